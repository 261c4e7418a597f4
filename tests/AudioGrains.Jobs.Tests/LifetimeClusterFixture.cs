using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Storage;
using AudioGrains.Testing;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// A 2-silo cluster for the job-lifetime tests: results live <see cref="Ttl"/>, the registry lists
/// <see cref="MaxListedJobs"/> jobs and re-checks its active set every half second, over a folder blob store whose
/// deletes a test can make fail. Inputs are short tones, one per test, so that the dedupe index never joins the jobs
/// of two tests.
/// </summary>
public sealed class LifetimeClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    /// <summary>An upload that gets no block for this long, and is neither completed nor abandoned, is deleted.</summary>
    public static readonly TimeSpan UploadTtl = TimeSpan.FromSeconds(2);
    public const int MaxListedJobs = 5;

    private readonly TempFolder _folder = new();
    private int _inputs;

    public JobCluster Jobs { get; private set; } = null!;

    public FaultyBlobStore Store { get; private set; } = null!;

    public AudioGrainsClient Client => new(Jobs.Cluster.Client);

    public IJobRegistryGrain Registry => JobRegistry.Of(Jobs.Grains);

    public async Task InitializeAsync()
    {
        Store = new FaultyBlobStore(new FileSystemBlobStore(_folder.Folder("blobs")));
        Jobs = await JobCluster.StartAsync(new JobClusterSpec
        {
            Silos = 2,
            BlobStore = Store,
            Settings = new()
            {
                ["AudioGrains:Processing:ResultTtl"] = Ttl.ToString(),
                ["AudioGrains:Processing:AbandonedUploadTtl"] = UploadTtl.ToString(),
                ["AudioGrains:Processing:MaxListedJobs"] = $"{MaxListedJobs}",
                ["AudioGrains:Processing:ActiveJobsRecheck"] = "00:00:00.500",
                // Held chunks wait, they do not compute: room for them and for the jobs that run meanwhile.
                ["AudioGrains:Processing:MaxConcurrentChunks"] = "8",
                ["AudioGrains:Processing:MaxJobAttempts"] = "2",
                ["AudioGrains:Processing:MaxChunkAttempts"] = "2",
                ["AudioGrains:Processing:RetryBaseDelay"] = "00:00:00.050",
                ["AudioGrains:Processing:RetryMaxDelay"] = "00:00:00.100",
                ["AudioGrains:Processing:CheckpointInterval"] = "00:00:00.100",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Jobs.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>16 kHz mono WAV, 1 s chunks: 3 chunks for a 3 s input.</summary>
    public static NormalizeOptions Wav => new() { OutputFormat = "wav", ChunkSeconds = 1 };

    /// <summary>A 3 s tone of a pitch no other input of this run has (distinct content for the dedupe index).</summary>
    public Task<string> NewInputAsync()
    {
        var n = Interlocked.Increment(ref _inputs);
        return TestAudio.ToneAsync(_folder.File($"tone-{n}.wav"), 3, 200 + 37 * n, 0.3, 16000);
    }

    /// <summary>Every blob of the job, as the store lists it.</summary>
    public Task<List<string>> BlobsOf(string jobId) => Store.KeysAsync(JobBlobKeys.Root(jobId) + "/");

    /// <summary>Sends a file through the upload grain, as a client does, and completes it (the dedupe index may join an earlier job).</summary>
    public async Task<JobStatus> UploadAsync(string jobId, string path, NormalizeOptions options)
    {
        var upload = Jobs.Grains.GetGrain<IUploadGrain>(jobId);
        var bytes = await File.ReadAllBytesAsync(path);
        const int block = 1024 * 1024;
        for (var offset = 0; offset < bytes.Length; offset += block)
            await upload.WriteBlockAsync(UploadTarget.Input, offset, bytes[offset..Math.Min(bytes.Length, offset + block)]);
        return await upload.CompleteAsync(new JobRequest { FileName = Path.GetFileName(path), InputBytes = bytes.Length, Options = options });
    }

    /// <summary>Holds the job's first chunk until <paramref name="release"/> completes (or the chunk is cancelled): the job stays in processing.</summary>
    public void Hold(string jobId, Task release) =>
        Jobs.Probe.WorkRules[jobId] = async (item, _, ct) =>
        {
            if (item.Index == 0) await release.WaitAsync(ct);
        };

    /// <summary>Waits until the job processes with its first chunk held.</summary>
    public Task WaitHeldAsync(string jobId) =>
        JobCluster.WaitUntilAsync(() => Jobs.RunningWork(jobId) > 0, TimeSpan.FromSeconds(30), $"job {jobId} processing");
}

[CollectionDefinition(Name)]
public sealed class LifetimeClusterCollection : ICollectionFixture<LifetimeClusterFixture>
{
    public const string Name = "lifetime cluster";
}
