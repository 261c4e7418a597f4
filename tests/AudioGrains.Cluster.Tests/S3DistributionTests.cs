using AudioGrains.Abstractions;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// Three silo processes on Redis with their blobs in an S3 bucket (a real s3rver on loopback): each silo has its own
/// temp folder and nothing is shared on disk; the chunks spread and the output equals the single process's.
/// </summary>
public sealed class S3DistributionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silos_without_a_shared_folder_spread_the_chunks_and_give_the_single_process_output()
    {
        using var s3 = await S3Server.StartAsync();
        await using var cluster = await RedisCluster.StartAsync(3, s3, "--AudioGrains:Processing:EncodeSegmentSeconds=10");
        var input = await TestAudio.SpeechAsync(cluster.Files.File("speech.wav"), 60);
        var options = new NormalizeOptions { ChunkSeconds = 2, OutputFormat = "opus", Denoise = NoiseReduction.Stationary };
        var jobId = Guid.NewGuid().ToString("N");

        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, options));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var status = await cluster.Client.WaitAsync(jobId, ct: timeout.Token);
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorMessage}");
        output.WriteLine($"chunks ran on: {string.Join(", ", status.Report!.ChunkSilos)}");
        Assert.True(status.Report.ChunkSilos.Count >= 2, $"chunks ran on {string.Join(", ", status.Report.ChunkSilos)}");

        var clustered = cluster.Files.File("clustered.opus");
        await cluster.S3Store!.DownloadToFileAsync(status.OutputKey!, clustered);
        var single = cluster.Files.File("single.opus");
        await CliProcess.JsonWithAsync(new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = "10" },
            "normalize", input, "-o", single, "--chunk-seconds", "2", "--denoise", "stationary");
        Assert.Equal(await File.ReadAllBytesAsync(single), await File.ReadAllBytesAsync(clustered));

        // Nothing went through the folder the silos were also given, and the bucket holds only the output and its
        // loudness series (ListAsync is in ordinal order).
        Assert.Empty(Directory.EnumerateFileSystemEntries(cluster.DataDirectory));
        var left = new List<string>();
        await foreach (var key in cluster.S3Store.ListAsync($"jobs/{jobId}/")) left.Add(key);
        Assert.Equal([$"jobs/{jobId}/loudness.series", status.OutputKey!], left);
        // Every staged copy the silos made for ffmpeg is gone.
        var temps = Directory.EnumerateDirectories(cluster.Files.Path, "silo-temp-*").ToList();
        Assert.Equal(3, temps.Count);
        Assert.All(temps, temp => Assert.Empty(Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories)));
    }
}
