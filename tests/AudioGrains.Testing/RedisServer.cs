using System.Diagnostics;
using System.Net.Sockets;

namespace AudioGrains.Testing;

/// <summary>A real redis-server on a free loopback port (by default without persistence), stopped on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    public static Task<RedisServer> StartAsync() =>
        StartAsync(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]);

    /// <summary>
    /// redis-server on a free loopback port with <paramref name="arguments"/> (a config file first, flags after, as
    /// redis-server takes them): a replica, a sentinel (<c>--sentinel</c>), a server with its AOF in a folder.
    /// </summary>
    public static async Task<RedisServer> StartAsync(IEnumerable<string> arguments)
    {
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString());
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (scripts/test installs it: apt-get install -y redis-server)", e);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new RedisServer(process, port);
            }
            catch (SocketException)
            {
                if (process.HasExited) break;
                await Task.Delay(100);
            }
        }
        process.Kill(true);
        throw new InvalidOperationException($"redis-server did not start on port {port}");
    }

    /// <summary>A command through redis-cli, its reply as text ("INFO replication", "SENTINEL replicas NAME").</summary>
    public async Task<string> CommandAsync(params string[] command)
    {
        var result = await ProcessRunner.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(), .. command], TimeSpan.FromSeconds(10));
        return result.ExitCode == 0 ? result.StandardOutput : throw new InvalidOperationException($"redis-cli {string.Join(' ', command)}: {result.StandardError}");
    }

    /// <summary>
    /// Every key with what it holds, one line each ("KEY = VALUES", the members of a hash, list, set or sorted set
    /// joined by spaces), read in one server-side script: what a test looks through for what a job left behind.
    /// </summary>
    public async Task<IReadOnlyList<string>> EntriesAsync()
    {
        const string dump = """
            local out = {}
            for _, k in ipairs(redis.call('KEYS', '*')) do
              local t = redis.call('TYPE', k).ok
              local v = ''
              if t == 'string' then v = redis.call('GET', k)
              elseif t == 'hash' then v = table.concat(redis.call('HGETALL', k), ' ')
              elseif t == 'list' then v = table.concat(redis.call('LRANGE', k, 0, -1), ' ')
              elseif t == 'set' then v = table.concat(redis.call('SMEMBERS', k), ' ')
              elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', k, 0, -1), ' ') end
              out[#out + 1] = k .. ' = ' .. v
            end
            return out
            """;
        var reply = await CommandAsync("--raw", "EVAL", dump, "0");
        return [.. reply.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a hung or partitioned Redis.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT), with everything it held.</summary>
    public void Resume() => Signal("-CONT");

    /// <summary>SIGKILL: the server dies with no goodbye to its clients or replicas.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.WaitForExit(5000);
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, _process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill {signal} {_process.Id} failed");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(true); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
