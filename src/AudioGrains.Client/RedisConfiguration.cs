using StackExchange.Redis;

namespace AudioGrains.Client;

/// <summary>
/// The one reading of an AudioGrains Redis setting (silo, client, CLI, readiness): a StackExchange.Redis configuration
/// string. Two forms:
/// <list type="bullet">
/// <item>one Redis: <c>127.0.0.1:6379</c>;</item>
/// <item>a primary and replicas behind Sentinel: the sentinels and the monitored name,
/// <c>10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379,serviceName=audiograins</c>. StackExchange.Redis asks the sentinels
/// for the primary, connects to it, and follows each failover they announce (+switch-master).</item>
/// </list>
/// </summary>
public static class RedisConfiguration
{
    /// <summary>
    /// After a lost connection, a reconnect is tried at least this often. StackExchange.Redis's default backs off up to
    /// 10 s, so after a long outage the cluster could wait that long for a Redis that is already back; a try a second
    /// on a lost connection costs nothing worth saving.
    /// </summary>
    public static readonly TimeSpan MaxReconnectInterval = TimeSpan.FromSeconds(1);

    /// <summary>The options for <c>ConnectionMultiplexer.Connect</c>, which goes through the sentinels when <c>serviceName</c> is set.</summary>
    public static ConfigurationOptions Parse(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.ReconnectRetryPolicy = new ExponentialRetry(250, (int)MaxReconnectInterval.TotalMilliseconds);
        return options;
    }

    /// <summary>Whether the endpoints are sentinels that name the primary (<c>serviceName=</c> is set).</summary>
    public static bool IsSentinel(ConfigurationOptions options) => !string.IsNullOrEmpty(options.ServiceName);

    /// <summary>What is wrong with <paramref name="configuration"/>; nothing when it can be used.</summary>
    public static IEnumerable<string> Validate(string configuration)
    {
        ConfigurationOptions options;
        try
        {
            options = Parse(configuration);
        }
        catch (ArgumentException e)
        {
            return [$"Redis \"{configuration}\" is not a StackExchange.Redis configuration string: {e.Message}"];
        }
        if (options.EndPoints.Count == 0) return [$"Redis \"{configuration}\" names no endpoint (HOST:PORT)"];
        // StackExchange.Redis takes "redis://127.0.0.1:6379" as a host named "redis://127.0.0.1": fail at the start, not
        // at the first connect with "It was not possible to connect".
        return [.. options.EndPoints.OfType<System.Net.DnsEndPoint>().Where(e => Uri.CheckHostName(e.Host) == UriHostNameType.Unknown)
            .Select(e => $"Redis \"{configuration}\" names \"{e.Host}\", which is not a host name or address (HOST:PORT, no scheme)")];
    }
}
