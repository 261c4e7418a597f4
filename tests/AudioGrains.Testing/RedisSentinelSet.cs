using System.Diagnostics;

namespace AudioGrains.Testing;

/// <summary>
/// Redis without a single point of failure, on loopback: a primary and one replica (both with AOF in their own
/// temp folders) watched by three sentinels (quorum 2) that notice a dead primary after 1 s. Three sentinels that notice
/// it at once can split their votes; with a 2 s failover timeout the next election is 4 s later (Sentinel waits twice it). Ready when the replica
/// is in sync and every sentinel knows the replica and the other two sentinels, so a failover can happen at once.
/// </summary>
public sealed class RedisSentinelSet : IDisposable
{
    public const string ServiceName = "audiograins";

    private readonly TempFolder _dir = new();
    private readonly List<RedisServer> _sentinels = [];

    private RedisSentinelSet()
    {
    }

    /// <summary>The server that was primary at the start.</summary>
    public RedisServer Primary { get; private set; } = null!;

    /// <summary>The server that was replica at the start.</summary>
    public RedisServer Replica { get; private set; } = null!;

    public IReadOnlyList<RedisServer> Sentinels => _sentinels;

    /// <summary>How a silo or client reaches Redis through the sentinels (a StackExchange.Redis configuration string).</summary>
    public string ConnectionString => string.Join(',', _sentinels.Select(s => s.ConnectionString)) + $",serviceName={ServiceName}";

    public static async Task<RedisSentinelSet> StartAsync()
    {
        var set = new RedisSentinelSet();
        try
        {
            set.Primary = await RedisServer.StartAsync(set.DataServerArguments("primary"));
            set.Replica = await RedisServer.StartAsync([.. set.DataServerArguments("replica"), "--replicaof", "127.0.0.1", $"{set.Primary.Port}"]);
            for (var i = 0; i < 3; i++)
            {
                // A sentinel rewrites its configuration file (what it learnt of replicas and other sentinels): its own copy.
                var config = set._dir.File($"sentinel-{i}.conf");
                await File.WriteAllTextAsync(config, string.Join('\n',
                    "bind 127.0.0.1",
                    $"dir {set._dir.Folder($"sentinel-{i}")}",
                    $"logfile {set._dir.File($"sentinel-{i}.log")}",
                    "sentinel announce-ip 127.0.0.1",
                    $"sentinel monitor {ServiceName} 127.0.0.1 {set.Primary.Port} 2",
                    $"sentinel down-after-milliseconds {ServiceName} 1000",
                    $"sentinel failover-timeout {ServiceName} 2000",
                    $"sentinel parallel-syncs {ServiceName} 1",
                    ""));
                set._sentinels.Add(await RedisServer.StartAsync([config, "--sentinel"]));
            }
            // A full sync waits 5 s (repl-diskless-sync-delay) and can take much longer on a loaded machine.
            await set.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private string[] DataServerArguments(string name) =>
    [
        "--bind", "127.0.0.1", "--protected-mode", "yes", "--dir", _dir.Folder(name),
        "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--replica-announce-ip", "127.0.0.1",
    ];

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var replication = await Replica.CommandAsync("INFO", "replication");
            var inSync = replication.Contains("master_link_status:up", StringComparison.Ordinal);
            var sentinelsKnowAll = true;
            foreach (var sentinel in _sentinels)
            {
                var master = Fields(await sentinel.CommandAsync("SENTINEL", "master", ServiceName));
                sentinelsKnowAll &= master.GetValueOrDefault("num-slaves") == "1" && master.GetValueOrDefault("num-other-sentinels") == "2";
            }
            if (inSync && sentinelsKnowAll) return;
            if (watch.Elapsed > timeout)
                throw new InvalidOperationException($"the sentinel set was not ready after {timeout} (replica in sync: {inSync}, sentinels know all: {sentinelsKnowAll}); replica: {replication.ReplaceLineEndings(" ")}\n{SentinelLogs()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The address the sentinels give for the service's primary now ("127.0.0.1:PORT"), from the first that answers.</summary>
    public async Task<string?> PrimaryAddressAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            try
            {
                var lines = (await sentinel.CommandAsync("SENTINEL", "get-master-addr-by-name", ServiceName)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (lines.Length == 2) return $"{lines[0]}:{lines[1]}";
            }
            catch (InvalidOperationException)
            {
            }
        }
        return null;
    }

    /// <summary>What the sentinels logged (sdown, odown, votes, promotion), for a failure message.</summary>
    public string SentinelLogs() => string.Join('\n', Enumerable.Range(0, _sentinels.Count).Select(i => _dir.File($"sentinel-{i}.log"))
        .Where(File.Exists).SelectMany(f => File.ReadLines(f).Select(l => $"{Path.GetFileNameWithoutExtension(f)}: {l}")));

    /// <summary>The server's role from its own INFO ("master" or "slave").</summary>
    public static async Task<string> RoleAsync(RedisServer server) =>
        Fields(await server.CommandAsync("INFO", "replication")).GetValueOrDefault("role", "?");

    /// <summary>redis-cli's reply to INFO ("key:value" lines) or to SENTINEL master (alternating key and value lines) as a dictionary.</summary>
    private static Dictionary<string, string> Fields(string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fields = new Dictionary<string, string>();
        if (lines.Any(l => l.StartsWith('#')))
        {
            foreach (var line in lines)
                if (line.Split(':', 2) is [var key, var value]) fields[key] = value;
        }
        else
        {
            for (var i = 0; i + 1 < lines.Length; i += 2) fields[lines[i]] = lines[i + 1];
        }
        return fields;
    }

    public void Dispose()
    {
        foreach (var sentinel in _sentinels) sentinel.Dispose();
        Replica?.Dispose();
        Primary?.Dispose();
        _dir.Dispose();
    }
}
