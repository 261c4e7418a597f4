using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// Two silo processes as an operator watches them: one serves the HTTP API behind an API key, the other only works;
/// both have a management listener (/metrics, health) and write compact JSON logs.
/// </summary>
public sealed class ObservedCluster : IAsyncLifetime
{
    public const string Key = "observability-test-key";

    private RedisServer? _redis;

    public TempFolder Dir { get; } = new();

    public SiloProcess Gateway { get; private set; } = null!;

    public SiloProcess Worker { get; private set; } = null!;

    public IEnumerable<SiloProcess> Silos => [Gateway, Worker];

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var blobs = Dir.Folder("blobs");
        Gateway = await SiloProcess.StartWithHttpAsync(_redis.ConnectionString, blobs,
            $"--AudioGrains:Processing:TempDirectory={Dir.Folder("temp-gateway")}", $"--AudioGrains:Http:ApiKeys:0={Key}");
        Worker = await SiloProcess.StartAsync(_redis.ConnectionString, blobs, $"--AudioGrains:Processing:TempDirectory={Dir.Folder("temp-worker")}");
        Http = new HttpClient { BaseAddress = Gateway.HttpAddress, Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Add("X-API-Key", Key);
    }

    /// <summary>A client for a silo's management port: no API key.</summary>
    public static HttpClient Management(SiloProcess silo) => new() { BaseAddress = silo.ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Task DisposeAsync()
    {
        Http?.Dispose();
        Gateway?.Dispose();
        Worker?.Dispose();
        _redis?.Dispose();
        Dir.Dispose();
        return Task.CompletedTask;
    }
}
