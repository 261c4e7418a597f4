using Xunit.Abstractions;
using AudioGrains.Abstractions;
using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>On three silo processes, chunks spread over more than one silo and the output equals a single silo's.</summary>
public sealed class DistributionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Chunks_spread_over_silos_and_output_equals_a_single_silo()
    {
        await using var cluster = await RedisCluster.StartAsync(3, $"--AudioGrains:Processing:EncodeSegmentSeconds={SegmentSeconds}");
        var input = await TestAudio.SpeechAsync(cluster.Files.File("speech.wav"), 60);
        var options = new NormalizeOptions { ChunkSeconds = 2, OutputFormat = "wav" };
        var jobId = Guid.NewGuid().ToString("N");

        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, options));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var status = await cluster.Client.WaitAsync(jobId, ct: timeout.Token);

        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.Equal(30, status.Report!.Chunks);
        Assert.True(status.Report.ChunkSilos.Count >= 2, $"chunks ran on {string.Join(", ", status.Report.ChunkSilos)}");
        output.WriteLine($"chunks ran on: {string.Join(", ", status.Report.ChunkSilos)}");
        var silosThatLogged = cluster.Silos.Count(s => ChunkLog.Processed(s.Lines, jobId).Any());
        Assert.True(silosThatLogged >= 2, $"{silosThatLogged} silo logs show processed chunks");

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "2");
        var clustered = WavFile.Read(cluster.PathOf(status.OutputKey!)).Samples;
        Assert.Equal(WavFile.Read(single).Samples, clustered);

        // Intermediates are gone; the output stays until it expires.
        Assert.False(Directory.Exists(cluster.PathOf($"jobs/{jobId}/work")));
        Assert.False(File.Exists(cluster.PathOf($"jobs/{jobId}/input")));

        // The same input to Opus: the silos encode 10 s segments in parallel; the joined file is byte for byte the
        // single-process CLI's with the same segment length.
        var opusJob = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(opusJob, cluster.Stage(opusJob, input, options with { OutputFormat = "opus" }));
        using var opusTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var opus = await cluster.Client.WaitAsync(opusJob, ct: opusTimeout.Token);
        Assert.Equal(JobPhase.Completed, opus.Phase);
        Assert.True(opus.Report!.StepSeconds.ContainsKey("encode"), "the segments were not encoded by the chunks");
        var encodedOn = cluster.Silos.Count(s => ChunkLog.Encoded(s.Lines, opusJob).Any());
        output.WriteLine($"Opus segments encoded on {encodedOn} silos");
        Assert.True(encodedOn >= 2, $"Opus segments were encoded on {encodedOn} silo(s)");
        var singleOpus = cluster.Files.File("single.opus");
        await CliProcess.JsonWithAsync(new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = $"{SegmentSeconds}" },
            "normalize", input, "-o", singleOpus, "--chunk-seconds", "2");
        Assert.Equal(await File.ReadAllBytesAsync(singleOpus), await File.ReadAllBytesAsync(cluster.PathOf(opus.OutputKey!)));
    }

    private const int SegmentSeconds = 10;
}
