using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// A real cluster on this machine: redis-server (membership, grain storage, reminders) and N silo
/// processes sharing one blob folder, plus an Orleans client in the test process.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly TempFolder _dir = new();
    private IHost? _clientHost;

    public RedisServer Redis { get; private set; } = null!;

    public List<SiloProcess> Silos { get; } = [];

    public AudioGrainsClient Client { get; private set; } = null!;

    public string DataDirectory => Path.Combine(_dir.Path, "blobs");

    public TempFolder Files => _dir;

    public static async Task<RedisCluster> StartAsync(int silos, params string[] siloConfiguration)
    {
        var cluster = new RedisCluster();
        Directory.CreateDirectory(cluster.DataDirectory);
        cluster.Redis = await RedisServer.StartAsync();
        // The first silo creates the membership table; the others join it.
        cluster.Silos.Add(await SiloProcess.StartAsync(cluster.Redis.ConnectionString, cluster.DataDirectory, siloConfiguration));
        var rest = await Task.WhenAll(Enumerable.Range(1, silos - 1)
            .Select(_ => SiloProcess.StartAsync(cluster.Redis.ConnectionString, cluster.DataDirectory, siloConfiguration)));
        cluster.Silos.AddRange(rest);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddAudioGrainsClient(cluster.Redis.ConnectionString);
        cluster._clientHost = builder.Build();
        await cluster._clientHost.StartAsync();
        cluster.Client = cluster._clientHost.Services.GetRequiredService<AudioGrainsClient>();
        return cluster;
    }

    /// <summary>Puts the input where every silo sees it (the shared blob folder), as the gateway's ingest does.</summary>
    public JobSpec Stage(string jobId, string inputPath, NormalizeOptions options)
    {
        var key = $"jobs/{jobId}/input";
        var target = Path.Combine(DataDirectory, key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(inputPath, target);
        return new JobSpec
        {
            InputKey = key,
            FileName = Path.GetFileName(inputPath),
            InputBytes = new FileInfo(inputPath).Length,
            Options = options,
            CorrelationId = jobId,
        };
    }

    public string PathOf(string key) => Path.Combine(DataDirectory, key);

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _clientHost.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            _clientHost.Dispose();
        }
        foreach (var silo in Silos) silo.Dispose();
        Redis?.Dispose();
        _dir.Dispose();
    }
}
