using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Storage;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>A 2-silo cluster whose blob store is an S3 bucket (a real s3rver on loopback): no shared folder at all.</summary>
public sealed class S3ClusterFixture : IAsyncLifetime
{
    public S3Server S3 { get; private set; } = null!;

    public S3BlobStore Store { get; private set; } = null!;

    public JobCluster Jobs { get; private set; } = null!;

    public string Speech { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        S3 = await S3Server.StartAsync();
        S3Server.UseCredentials();
        Store = new S3BlobStore(new S3StorageOptions { ServiceUrl = S3.ServiceUrl, Bucket = S3.Bucket, PartSizeBytes = S3StorageOptions.MinPartSizeBytes });
        Jobs = await JobCluster.StartAsync(new JobClusterSpec
        {
            Silos = 2,
            BlobStore = Store,
            Settings = new() { ["AudioGrains:Processing:EncodeSegmentSeconds"] = "5", ["AudioGrains:Processing:CheckpointInterval"] = "00:00:00.100" },
        });
        Speech = await TestAudio.SpeechAsync(Jobs.Files.File("speech.wav"), 20);
    }

    public async Task DisposeAsync()
    {
        await Jobs.DisposeAsync();
        Store.Dispose();
        S3.Dispose();
    }
}

/// <summary>
/// The pipeline on S3 storage gives, byte for byte, what it gives on a folder (`audiograins normalize`, the embedded
/// folder store), and leaves in the bucket only the output.
/// </summary>
public sealed class S3PipelineTests(S3ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<S3ClusterFixture>
{
    public static TheoryData<string> Cases => ["wav", "denoised-opus"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_job_on_s3_storage_gives_the_folder_store_s_output_and_leaves_only_it(string name)
    {
        var options = name == "wav" ? JobClusterFixture.Wav : JobClusterFixture.DenoisedOpus;
        var jobId = JobClusterFixture.NewJobId("s3");
        await fixture.Jobs.StartJobAsync(jobId, fixture.Speech, options);
        var status = await fixture.Jobs.WaitForTerminalAsync(jobId, TimeSpan.FromMinutes(2));
        Assert.True(status.Phase == JobPhase.Completed, $"phase {status.Phase}: {status.ErrorMessage}");

        var fromS3 = fixture.Jobs.Files.File($"{jobId}{Path.GetExtension(status.OutputKey)}");
        await fixture.Store.DownloadToFileAsync(status.OutputKey!, fromS3);
        var local = fixture.Jobs.Files.File($"{jobId}-local{Path.GetExtension(status.OutputKey)}");
        await CliProcess.JsonWithAsync(new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = "5" },
            "normalize", fixture.Speech, "-o", local, "--format", options.OutputFormat, "--chunk-seconds", $"{options.ChunkSeconds}",
            "--denoise", options.Denoise.ToString().ToLowerInvariant());
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(fromS3));

        var left = new List<string>();
        await foreach (var key in fixture.Store.ListAsync(JobBlobKeys.Root(jobId) + "/")) left.Add(key);
        output.WriteLine($"{status.ChunksTotal} chunks, {status.SegmentsTotal} segments; left in the bucket: {string.Join(", ", left)}");
        // The output and its loudness series (ListAsync is in ordinal order).
        Assert.Equal([JobBlobKeys.LoudnessSeries(jobId), status.OutputKey!], left);
    }
}
