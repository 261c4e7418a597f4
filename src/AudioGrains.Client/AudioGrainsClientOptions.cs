using System.Net;

namespace AudioGrains.Client;

/// <summary>How a client finds the cluster. Bound from configuration (e.g. section "AudioGrains:Client") and validated.</summary>
public sealed class AudioGrainsClientOptions
{
    /// <summary>
    /// Redis membership: a StackExchange.Redis configuration string, "127.0.0.1:6379", or through Sentinel
    /// "10.0.0.1:26379,10.0.0.2:26379,serviceName=audiograins" (<see cref="RedisConfiguration"/>). Or use <see cref="Gateways"/>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Static gateway endpoints ("127.0.0.1:30000"), when the cluster's membership is not read from Redis.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>The cluster's id, as its silos were given it.</summary>
    public string ClusterId { get; set; } = "audiograins";

    /// <summary>The service's id, as its silos were given it.</summary>
    public string ServiceId { get; set; } = "audiograins";

    /// <summary>Bytes per upload and download block.</summary>
    public int BlockBytes { get; set; } = 1024 * 1024;

    /// <summary>Tries of one call before a transient failure is given up on.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Pause before the first retry; it doubles each try.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>What is wrong with these options; nothing when they can work.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Redis) == (Gateways.Count == 0)) yield return "name either Redis or Gateways (one of them)";
        if (!string.IsNullOrWhiteSpace(Redis))
            foreach (var problem in RedisConfiguration.Validate(Redis)) yield return problem;
        foreach (var gateway in Gateways)
            if (!IPEndPoint.TryParse(gateway, out var endpoint) || endpoint.Port == 0) yield return $"gateway \"{gateway}\" is not an IP:port";
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId)) yield return "ClusterId and ServiceId are required";
        if (BlockBytes is < 64 * 1024 or > 4 * 1024 * 1024) yield return "BlockBytes must be from 64 KiB to 4 MiB";
        if (MaxAttempts < 1) yield return "MaxAttempts must be at least 1";
        if (RetryDelay < TimeSpan.Zero) yield return "RetryDelay must not be negative";
    }
}
