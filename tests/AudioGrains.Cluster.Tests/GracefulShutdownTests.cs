using AudioGrains.Abstractions;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// SIGTERM to the silo that runs a job mid-processing, as Kubernetes stops a pod: the silo exits well within a
/// termination grace period, the job completes on another silo with the output of a single-process run, and no try
/// of any chunk is counted as failed (work the silo was doing is handed back, not failed).
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    /// <summary>The k8s manifests give silos 60 s; a silo must be gone well before.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_to_a_jobs_silo_exits_within_the_drain_and_the_job_completes_elsewhere_with_no_failed_chunk()
    {
        await using var cluster = await RedisCluster.StartAsync(3,
            "--AudioGrains:Processing:MaxChunksInFlight=2", "--AudioGrains:Processing:CheckpointInterval=00:00:00");
        var input = await TestAudio.LavfiAsync(cluster.Files.File("long.wav"),
            "aevalsrc='0.1*sin(2*PI*330*t)*(0.6+0.4*sin(2*PI*0.3*t))+0.02*(random(0)-0.5)':s=16000:d=400", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { ChunkSeconds = 1, OutputFormat = "wav" };
        var jobId = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, options));

        // SIGTERM after 50 of 400 chunks: the silo deactivates the job at once, so the 350 left are done elsewhere.
        var running = await cluster.WaitUntilAsync(jobId, s => s.Phase == JobPhase.Processing && s.ChunksCompleted >= 50, TimeSpan.FromMinutes(2), "its chunks");
        var host = Assert.Single(cluster.Silos, s => s.Hosts(running.Host!));
        var exitedAfter = await host.TerminateAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"SIGTERM at {running.ChunksCompleted}/{running.ChunksTotal} chunks; the silo exited after {exitedAfter?.TotalSeconds:F1} s with code {host.ExitCode}");
        Assert.NotNull(exitedAfter);
        Assert.True(exitedAfter < Drain, $"the silo took {exitedAfter?.TotalSeconds:F1} s to exit");
        Assert.Equal(0, host.ExitCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        output.WriteLine($"completed on {final.Host} {watch.Elapsed.TotalSeconds:F1} s after the silo exited");
        Assert.Equal(JobPhase.Completed, final.Phase);
        Assert.False(host.Hosts(final.Host!), "the job finished on the stopped silo");
        Assert.Equal(0, final.Attempts);

        var failedTries = cluster.Silos.SelectMany(s => s.Events)
            .Where(e => e.JobId == jobId && e.Level is "Warning" or "Error" && e.Template.Contains("failed", StringComparison.Ordinal)).ToList();
        Assert.True(failedTries.Count == 0, $"failed tries: {string.Join("; ", failedTries.Take(5).Select(e => e.Message))}");

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "1");
        Assert.Equal(WavFile.Read(single).Samples, WavFile.Read(await cluster.OutputFileAsync(final.OutputKey!)).Samples);
    }
}
