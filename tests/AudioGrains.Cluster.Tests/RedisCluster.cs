using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Storage;
using AudioGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// A real cluster on this machine: redis-server (membership, grain storage, reminders) and N silo
/// processes sharing one blob folder, plus an Orleans client in the test process. The Redis is its own
/// redis-server, or one the test started (<see cref="StartOnAsync"/>: a sentinel set, say).
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly TempFolder _dir = new();
    private IHost? _clientHost;

    /// <summary>The cluster's own redis-server; null when the test gave the Redis (<see cref="StartOnAsync"/>).</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>How the silos and the client reach Redis (a StackExchange.Redis configuration string).</summary>
    public string RedisConfiguration { get; private set; } = null!;

    public List<SiloProcess> Silos { get; } = [];

    public AudioGrainsClient Client { get; private set; } = null!;

    /// <summary>The Orleans client under <see cref="Client"/>, for what a test inspects directly.</summary>
    public IClusterClient Grains { get; private set; } = null!;

    public string DataDirectory => Path.Combine(_dir.Path, "blobs");

    public TempFolder Files => _dir;

    public static Task<RedisCluster> StartAsync(int silos, params string[] siloConfiguration) => StartAsync(silos, null, null, siloConfiguration);

    public static Task<RedisCluster> StartAsync(int silos, S3Server? s3, params string[] siloConfiguration) => StartAsync(silos, s3, null, siloConfiguration);

    /// <summary>
    /// With <paramref name="s3"/>, the blobs live in its bucket and the silos share no folder (each has its own temp
    /// folder). <paramref name="clientServices"/> adds to the test's client (a call filter that counts, say).
    /// </summary>
    public static Task<RedisCluster> StartAsync(int silos, S3Server? s3, Action<IServiceCollection>? clientServices, params string[] siloConfiguration) =>
        StartAsync(silos, redis: null, s3, clientServices, siloConfiguration);

    /// <summary>A cluster on a Redis the test started and stops (<paramref name="redis"/>: its configuration string).</summary>
    public static Task<RedisCluster> StartOnAsync(string redis, int silos, params string[] siloConfiguration) =>
        StartAsync(silos, redis, s3: null, clientServices: null, siloConfiguration);

    private static async Task<RedisCluster> StartAsync(int silos, string? redis, S3Server? s3, Action<IServiceCollection>? clientServices, string[] siloConfiguration)
    {
        var cluster = new RedisCluster();
        if (s3 is not null)
        {
            S3Server.UseCredentials();
            cluster.S3Store = new S3BlobStore(new S3StorageOptions { ServiceUrl = s3.ServiceUrl, Bucket = s3.Bucket });
            siloConfiguration =
            [
                .. siloConfiguration, "--AudioGrains:Storage=S3", $"--AudioGrains:S3:ServiceUrl={s3.ServiceUrl}", $"--AudioGrains:S3:Bucket={s3.Bucket}",
            ];
        }
        Directory.CreateDirectory(cluster.DataDirectory);
        if (redis is null) cluster.Redis = await RedisServer.StartAsync();
        cluster.RedisConfiguration = redis ?? cluster.Redis.ConnectionString;
        cluster._siloConfiguration = siloConfiguration;
        // On S3 each silo has a private temp folder, its S3 upload buffers inside it (as scripts/cluster does).
        string[] PerSilo()
        {
            if (s3 is null) return siloConfiguration;
            var temp = cluster.Files.Folder($"silo-temp-{Guid.NewGuid():N}");
            cluster.SiloTempFolders.Add(temp);
            return OnTempFolder(siloConfiguration, temp);
        }
        try
        {
            // The first silo creates the membership table; the others join it.
            cluster.Silos.Add(await SiloProcess.StartAsync(cluster.RedisConfiguration, cluster.DataDirectory, PerSilo()));
            var rest = Enumerable.Range(1, silos - 1)
                .Select(_ => SiloProcess.StartAsync(cluster.RedisConfiguration, cluster.DataDirectory, PerSilo())).ToList();
            try
            {
                await Task.WhenAll(rest);
            }
            finally
            {
                // The silos that did start are stopped with the cluster, also when another did not.
                cluster.Silos.AddRange(rest.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.AddAudioGrainsClient(cluster.RedisConfiguration);
            clientServices?.Invoke(builder.Services);
            cluster._clientHost = builder.Build();
            await cluster._clientHost.StartAsync();
            cluster.Client = cluster._clientHost.Services.GetRequiredService<AudioGrainsClient>();
            cluster.Grains = cluster._clientHost.Services.GetRequiredService<IClusterClient>();
            return cluster;
        }
        catch
        {
            // A cluster that could not start leaves no Redis, silo or folder behind.
            await cluster.DisposeAsync();
            throw;
        }
    }

    private string[] _siloConfiguration = [];

    private static string[] OnTempFolder(string[] configuration, string temp) =>
        [.. configuration, $"--AudioGrains:Processing:TempDirectory={temp}", $"--AudioGrains:S3:TempDirectory={Path.Combine(temp, "s3")}"];

    /// <summary>One more silo, configured as the others, with <paramref name="tempFolder"/> as its temp folder (that of a silo killed before, say).</summary>
    public async Task<SiloProcess> StartSiloAsync(string tempFolder)
    {
        var silo = await SiloProcess.StartAsync(RedisConfiguration, DataDirectory, OnTempFolder(_siloConfiguration, tempFolder));
        Silos.Add(silo);
        return silo;
    }

    /// <summary>On S3: each silo's private temp folder, in the order of <see cref="Silos"/> at the start.</summary>
    public List<string> SiloTempFolders { get; } = [];

    /// <summary>The bucket's store when the cluster runs on S3.</summary>
    public S3BlobStore? S3Store { get; private set; }

    /// <summary>Puts the input where every silo sees it (the shared blob folder), as the gateway's ingest does.</summary>
    public JobSpec Stage(string jobId, string inputPath, NormalizeOptions options)
    {
        var key = $"jobs/{jobId}/input";
        if (S3Store is not null)
        {
            S3Store.PutFileAsync(key, inputPath).GetAwaiter().GetResult();
        }
        else
        {
            var target = Path.Combine(DataDirectory, key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(inputPath, target);
        }
        return new JobSpec
        {
            InputKey = key,
            FileName = Path.GetFileName(inputPath),
            InputBytes = new FileInfo(inputPath).Length,
            Options = options,
            CorrelationId = jobId,
        };
    }

    /// <summary>
    /// The moment a fault test strikes: a job over <paramref name="seconds"/> of a 16 kHz tone with noise, in 1 s chunks
    /// to WAV, started and followed until <paramref name="chunksDone"/> of its chunks are done.
    /// </summary>
    public async Task<(string Input, string JobId, JobStatus Running)> StartJobInOneSecondChunksAsync(int seconds, int chunksDone)
    {
        var input = await TestAudio.LavfiAsync(Files.File("long.wav"),
            $"aevalsrc='0.1*sin(2*PI*330*t)*(0.6+0.4*sin(2*PI*0.3*t))+0.02*(random(0)-0.5)':s=16000:d={seconds}", "-c:a", "pcm_s16le");
        var jobId = Guid.NewGuid().ToString("N");
        await Client.StartAsync(jobId, Stage(jobId, input, new NormalizeOptions { ChunkSeconds = 1, OutputFormat = "wav" }));
        var running = await WaitUntilAsync(jobId, s => s.Phase == JobPhase.Processing && s.ChunksCompleted >= chunksDone, TimeSpan.FromMinutes(2), "its chunks");
        return (input, jobId, running);
    }

    /// <summary>
    /// Polls the job until <paramref name="reached"/> holds (a test's moment to interrupt it); fails if the job ends
    /// first or <paramref name="timeout"/> passes, saying it never reached <paramref name="what"/>.
    /// </summary>
    public async Task<JobStatus> WaitUntilAsync(string jobId, Func<JobStatus, bool> reached, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var running = await Client.GetStatusAsync(jobId);
            if (reached(running)) return running;
            Assert.False(running.IsTerminal, $"the job ended before it could be interrupted: {running.Phase} ({running.ErrorCode}: {running.ErrorMessage})");
            Assert.True(DateTime.UtcNow < deadline, $"the job never reached {what} ({running.Phase})");
            await Task.Delay(20);
        }
    }

    public string PathOf(string key) => Path.Combine(DataDirectory, key);

    /// <summary>A local file with the blob's content: the blob's own file on a folder, a download from S3.</summary>
    public async Task<string> OutputFileAsync(string key)
    {
        if (S3Store is null) return PathOf(key);
        var file = Files.File($"{Guid.NewGuid():N}-{Path.GetFileName(key)}");
        await S3Store.DownloadToFileAsync(key, file);
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _clientHost.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            _clientHost.Dispose();
        }
        foreach (var silo in Silos) silo.Dispose();
        S3Store?.Dispose();
        Redis?.Dispose();
        _dir.Dispose();
    }
}
