using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Cluster.Tests;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Reliability.Tests;

/// <summary>
/// Redis, which holds every job's state, stops answering for 15 s in the middle of a job: the job neither stalls
/// silently nor counts the outage as failed tries; it goes on within seconds of Redis' return, says so once, and
/// completes with the output of an undisturbed run.
/// </summary>
public sealed class StateStoreOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_goes_on_within_seconds_after_its_state_store_returns_from_a_15_s_outage()
    {
        await using var cluster = await RedisCluster.StartAsync(3,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00");
        var (input, jobId, _) = await cluster.StartJobInOneSecondChunksAsync(seconds: 300, chunksDone: 30);

        cluster.Redis.Pause();
        await Task.Delay(TimeSpan.FromSeconds(15));
        // What was saved before and during the outage: the job cannot have saved anything after this.
        var beforeReturn = await cluster.Client.GetStatusAsync(jobId);
        cluster.Redis.Resume();
        var back = Stopwatch.StartNew();

        var progressed = await cluster.WaitUntilAsync(jobId, s => s.Phase != JobPhase.Processing || s.ChunksCompleted > beforeReturn.ChunksCompleted,
            TimeSpan.FromSeconds(60), "progress after Redis returned");
        var resumedAfter = back.Elapsed;
        output.WriteLine($"{beforeReturn.ChunksCompleted}/{beforeReturn.ChunksTotal} chunks saved when Redis returned; progress {resumedAfter.TotalSeconds:F1} s later ({progressed.ChunksCompleted} chunks)");
        Assert.True(resumedAfter < TimeSpan.FromSeconds(5), $"progress resumed {resumedAfter.TotalSeconds:F1} s after Redis returned");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, final.Phase);

        // Said once: one warning when the store failed the job, one line when it answered again; no failed try counted.
        var lines = cluster.Silos.SelectMany(s => s.Lines).Where(l => l.Contains(jobId, StringComparison.Ordinal)).ToList();
        Assert.Single(lines, l => l.Contains("could not save its state in phase", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("saved its state again after", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("dead-lettered", StringComparison.Ordinal));

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "1");
        Assert.Equal(WavFile.Read(single).Samples, WavFile.Read(await cluster.OutputFileAsync(final.OutputKey!)).Samples);
    }
}
