using System.Collections.Concurrent;
using AudioGrains.Client;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AudioGrains.Hosting;

/// <summary>
/// A silo's one connection to Redis, shared by membership, grain storage, reminders and the readiness check (Orleans'
/// providers would otherwise open one each). Through Sentinel that is also one subscription to failover announcements
/// and one switch to the new primary per silo instead of three: StackExchange.Redis makes that switch with blocking
/// calls on thread-pool threads (docs/redis-sentinel.md). A lost and a restored server are logged once each.
/// </summary>
public sealed class SiloRedisConnection(string configuration, ILogger<SiloRedisConnection> logger) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, bool> _lost = new();
    private Task<ConnectionMultiplexer>? _connecting;

    public ConfigurationOptions Options { get; } = RedisConfiguration.Parse(configuration);

    /// <summary>The multiplexer, connected by the first caller (a provider's start); after a failed connect the next caller tries again.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync()
    {
        lock (_lock)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled) _connecting = ConnectCoreAsync();
            return _connecting;
        }
    }

    /// <summary>For Orleans' providers' <c>CreateMultiplexer</c>: the shared multiplexer, which they must not dispose.</summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> ForProviderAsync() => (await ConnectAsync(), IsShared: true);

    private async Task<ConnectionMultiplexer> ConnectCoreAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Options.Clone());
        connection.ConnectionFailed += (_, e) =>
        {
            if (_lost.TryAdd(Describe(e.EndPoint), true))
                logger.LogWarning(e.Exception, "Redis connection to {RedisEndpoint} lost ({FailureType}); commands wait for it or for a new primary",
                    Describe(e.EndPoint), e.FailureType);
        };
        connection.ConnectionRestored += (_, e) =>
        {
            if (_lost.TryRemove(Describe(e.EndPoint), out bool _))
                logger.LogInformation("Redis connection to {RedisEndpoint} restored", Describe(e.EndPoint));
        };
        logger.LogInformation("Redis: {RedisConfiguration}, primary {RedisPrimary}", Options.ToString(includePassword: false), PrimaryOf(connection));
        return connection;
    }

    /// <summary>Which server takes the writes now, as the multiplexer sees it.</summary>
    public static string PrimaryOf(IConnectionMultiplexer connection) =>
        connection.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica) is { } primary ? Describe(primary.EndPoint) : "none";

    private static string Describe(System.Net.EndPoint? endpoint) => endpoint is null ? "?" : Format(endpoint);

    private static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_lock) connecting = _connecting;
        if (connecting is { IsCompletedSuccessfully: true }) await connecting.Result.DisposeAsync();
    }
}
