using System.Diagnostics;
using Xunit.Abstractions;
using AudioGrains.Abstractions;
using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// kill -9 of the silo that hosts a running job: storage and reminders are in Redis, so the job
/// resumes on another silo, completes with identical output, and recomputes no chunk it had recorded.
/// </summary>
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("folder")]
    [InlineData("s3")]
    public async Task Job_survives_the_death_of_its_silo_and_resumes_from_its_last_completed_chunk(string storage)
    {
        // One chunk in flight and a checkpoint after every chunk make the job long enough to kill
        // mid-way and make "recorded complete" exact. 360 chunks: the kill comes after 100, and nothing of the job
        // moves while its silo is dead, so the resumed job always has chunks left to do.
        using var s3 = storage == "s3" ? await S3Server.StartAsync() : null;
        await using var cluster = await RedisCluster.StartAsync(3, s3,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00");
        var input = await TestAudio.LavfiAsync(cluster.Files.File("long.wav"),
            "aevalsrc='0.1*sin(2*PI*330*t)*(0.6+0.4*sin(2*PI*0.3*t))+0.02*(random(0)-0.5)':s=16000:d=360", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { ChunkSeconds = 1, OutputFormat = "wav" };
        var jobId = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, options));

        // Wait until the job is well into its chunks, then kill the silo that hosts it.
        var running = await cluster.WaitUntilAsync(jobId, s => s.Phase == JobPhase.Processing && s.ChunksCompleted >= 100, TimeSpan.FromMinutes(2), "its chunks");
        var host = Assert.Single(cluster.Silos, s => s.Hosts(running.Host!));
        host.Kill();
        var killedAt = DateTime.UtcNow;
        Assert.True(running.ChunksCompleted < running.ChunksTotal);

        // The limit is for a loaded machine (other test projects run their clusters beside this one): what is asserted
        // is what was computed, not how fast.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, final.Phase);
        output.WriteLine($"killed {running.Host} at {running.ChunksCompleted}/{running.ChunksTotal} chunks; completed on {final.Host} {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s later");
        Assert.False(host.Hosts(final.Host!), "the job finished on another silo");

        var survivors = cluster.Silos.Where(s => s != host).SelectMany(s => s.Lines).ToList();
        var completeAtResume = ChunkLog.CompleteAtResume(survivors, jobId);
        Assert.NotNull(completeAtResume);
        Assert.True(completeAtResume.Count >= running.ChunksCompleted, $"resumed with {completeAtResume.Count} chunks recorded, {running.ChunksCompleted} seen before the kill");
        var allLines = cluster.Silos.SelectMany(s => s.Lines).ToList();
        var processed = ChunkLog.Processed(allLines, jobId).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"recorded complete at resume: {completeAtResume.Count}; computed twice: {processed.Count(p => p.Value > 1)}; reused: {ChunkLog.Reused(survivors, jobId).Count()}");
        var rerun = completeAtResume.Where(i => processed.GetValueOrDefault(i) != 1).ToList();
        Assert.True(rerun.Count == 0, $"chunks recorded complete but computed again (or never): {string.Join(",", rerun.Take(20))}");
        Assert.DoesNotContain(ChunkLog.Reused(survivors, jobId), completeAtResume.Contains);
        // Every chunk was computed, or its stored result reused by a survivor: the killed silo can store a chunk's
        // result and die before its log line reaches the pipe.
        Assert.Equal(final.Report!.Chunks, processed.Keys.Union(ChunkLog.Reused(survivors, jobId)).Count());

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "1");
        Assert.Equal(WavFile.Read(single).Samples, WavFile.Read(await cluster.OutputFileAsync(final.OutputKey!)).Samples);
    }

    [Fact]
    public async Task Opus_encoding_survives_the_death_of_its_silo_and_encodes_no_recorded_segment_again()
    {
        const int segmentSeconds = 20, inputSeconds = 400, segments = inputSeconds / segmentSeconds;
        await using var cluster = await RedisCluster.StartAsync(3,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00",
            $"--AudioGrains:Processing:EncodeSegmentSeconds={segmentSeconds}");
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.wav"),
            $"aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)':s=16000:d={inputSeconds}", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { ChunkSeconds = 10, OutputFormat = "opus" };
        var jobId = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, options));

        // Kill the job's silo in the middle of the encode pass (20 segments, one at a time).
        var running = await cluster.WaitUntilAsync(jobId, s => s.Phase == JobPhase.Encoding && s.SegmentsCompleted >= 5, TimeSpan.FromMinutes(3), "its encode pass");
        var host = Assert.Single(cluster.Silos, s => s.Hosts(running.Host!));
        host.Kill();
        Assert.True(running.SegmentsCompleted < running.SegmentsTotal);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, final.Phase);
        Assert.False(host.Hosts(final.Host!), "the job finished on another silo");

        var survivors = cluster.Silos.Where(s => s != host).SelectMany(s => s.Lines).ToList();
        var completeAtResume = ChunkLog.CompleteAtResume(survivors, jobId);
        Assert.NotNull(completeAtResume);
        Assert.True(completeAtResume.Count >= running.SegmentsCompleted, $"resumed with {completeAtResume.Count} segments recorded, {running.SegmentsCompleted} seen before the kill");
        var encoded = ChunkLog.Encoded(cluster.Silos.SelectMany(s => s.Lines), jobId).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"killed {running.Host} at {running.SegmentsCompleted}/{running.SegmentsTotal} segments; recorded at resume {completeAtResume.Count}; encoded twice: {encoded.Count(p => p.Value > 1)}");
        var again = completeAtResume.Where(i => encoded.GetValueOrDefault(i) != 1).ToList();
        Assert.True(again.Count == 0, $"segments recorded complete but encoded again (or never): {string.Join(",", again)}");
        Assert.Equal(segments, encoded.Count);

        // The same bytes as one process with the same segment length.
        var single = cluster.Files.File("single.opus");
        await CliProcess.JsonWithAsync(new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = $"{segmentSeconds}" },
            "normalize", input, "-o", single, "--chunk-seconds", "10");
        Assert.Equal(await File.ReadAllBytesAsync(single), await File.ReadAllBytesAsync(cluster.PathOf(final.OutputKey!)));
    }

    [Fact]
    public async Task A_job_whose_silo_died_resumes_once_the_silo_is_declared_dead_without_being_asked()
    {
        await using var cluster = await RedisCluster.StartAsync(3,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00");
        var (input, jobId, running) = await cluster.StartJobInOneSecondChunksAsync(seconds: 300, chunksDone: 30);
        var host = Assert.Single(cluster.Silos, s => s.Hosts(running.Host!));
        host.Kill();
        var killed = Stopwatch.StartNew();

        // Nobody calls the job from here on: only the membership change can wake it before its reminder (a minute).
        var survivors = cluster.Silos.Where(s => s != host).ToList();
        TimeSpan? declared = null, resumed = null;
        while (resumed is null && killed.Elapsed < TimeSpan.FromSeconds(90))
        {
            var lines = survivors.SelectMany(s => s.Lines).ToList();
            if (declared is null && lines.Any(l => l.Contains("declared dead: resuming their jobs", StringComparison.Ordinal))) declared = killed.Elapsed;
            if (lines.Any(l => l.Contains($"Job {jobId} resumed on silo", StringComparison.Ordinal))) resumed = killed.Elapsed;
            await Task.Delay(100);
        }
        output.WriteLine($"killed at {running.ChunksCompleted}/{running.ChunksTotal} chunks; declared dead after {declared?.TotalSeconds:F1} s, job resumed after {resumed?.TotalSeconds:F1} s");
        Assert.NotNull(declared);
        Assert.NotNull(resumed);
        // Within seconds of the declaration, not at a reminder tick that could come up to a minute later.
        Assert.InRange((resumed - declared)!.Value.TotalSeconds, -1, 5);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, final.Phase);
    }
}
