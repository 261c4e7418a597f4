using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using StackExchange.Redis;

namespace AudioGrains.Client;

/// <summary>
/// The gateways of the cluster's active silos, read from the membership table the silos keep in Redis
/// (Microsoft.Orleans.Clustering.Redis: one hash <c>{ServiceId}/members/{ClusterId}</c>, one JSON entry per silo).
/// It replaces that package's client-side reader, which deserializes the table with Newtonsoft.Json and so loads
/// Newtonsoft, System.Private.Xml, System.Data.Common and more into every client: about 12 MB of a client's peak RSS
/// (docs/benchmarks.md, client upload memory). Only the three fields a gateway needs are read, with System.Text.Json.
/// </summary>
public sealed class RedisGatewayList(IOptions<AudioGrainsClientOptions> options, IOptions<GatewayOptions> gateway)
    : IGatewayListProvider, IAsyncDisposable
{
    private const int ActiveStatus = 3; // Orleans.Runtime.SiloStatus.Active
    private ConnectionMultiplexer? _redis;

    /// <inheritdoc/>
    public TimeSpan MaxStaleness => gateway.Value.GatewayListRefreshPeriod;

    /// <inheritdoc/>
    public bool IsUpdatable => true;

    /// <inheritdoc/>
    public async Task InitializeGatewayListProvider() =>
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration.Parse(options.Value.Redis!));

    /// <inheritdoc/>
    public async Task<IList<Uri>> GetGateways()
    {
        var redis = _redis ?? throw new InvalidOperationException("the gateway list was not initialized");
        var key = MembershipKey(options.Value);
        var entries = await redis.GetDatabase().HashGetAllAsync(key);
        var gateways = new List<Uri>();
        foreach (var entry in entries.Where(e => e.Name.StartsWith("S")))
        {
            try
            {
                if (GatewayOf(entry.Value.ToString()) is { } uri) gateways.Add(uri);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A silo of another Orleans version may write another shape: say so rather than list no gateway.
                throw new InvalidOperationException($"the membership entry {entry.Name} in Redis hash {key} is not in the shape this client reads: {e.Message}", e);
            }
        }
        return gateways;
    }

    /// <summary>The hash the silos' membership table is kept in.</summary>
    private static string MembershipKey(AudioGrainsClientOptions options) => $"{options.ServiceId}/members/{options.ClusterId}";

    /// <summary>The gateway of one membership entry, or null when the silo is not active or has no gateway.</summary>
    private static Uri? GatewayOf(string entryJson)
    {
        using var entry = JsonDocument.Parse(entryJson);
        var root = entry.RootElement;
        if (root.GetProperty("Status").GetInt32() != ActiveStatus) return null;
        var proxyPort = root.GetProperty("ProxyPort").GetInt32();
        if (proxyPort <= 0) return null;
        // "127.0.0.1:11111@123456789": the silo's address and its generation.
        var silo = SiloAddress.FromParsableString(root.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!);
        return SiloAddress.New(new IPEndPoint(silo.Endpoint.Address, proxyPort), silo.Generation).ToGatewayUri();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}
