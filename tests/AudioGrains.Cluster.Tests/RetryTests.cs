using Xunit.Abstractions;
using AudioGrains.Abstractions;
using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>A job dead-lettered in its Opus encode pass resumes there when an operator retries it.</summary>
public sealed class RetryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_dead_lettered_while_encoding_resumes_its_encode_pass_on_retry()
    {
        // 40 chunks of 10 s, 20 segments of 20 s: the encode pass is long enough to take the last chunk away before
        // the last segment is encoded.
        const int segmentSeconds = 20, chunkSeconds = 10, inputSeconds = 400, chunks = inputSeconds / chunkSeconds, segments = inputSeconds / segmentSeconds;
        await using var cluster = await RedisCluster.StartAsync(1,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00",
            "--AudioGrains:Processing:MaxChunkAttempts=1", "--AudioGrains:Processing:MaxJobAttempts=1",
            $"--AudioGrains:Processing:EncodeSegmentSeconds={segmentSeconds}");
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.wav"),
            $"aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)':s=16000:d={inputSeconds}", "-c:a", "pcm_s16le");
        var jobId = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, new NormalizeOptions { ChunkSeconds = chunkSeconds, OutputFormat = "opus" }));

        // Once the chunks are processed, take the last chunk's samples away: the last segment cannot be encoded.
        var lastChunk = cluster.PathOf($"jobs/{jobId}/work/chunks/{chunks - 1:D6}.f32");
        var aside = cluster.Files.File("aside.f32");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JobStatus status;
        while ((status = await cluster.Client.GetStatusAsync(jobId)).Phase != JobPhase.Encoding)
        {
            Assert.False(status.IsTerminal, $"the job ended before its encode pass: {status.Phase}");
            Assert.True(DateTime.UtcNow < deadline, "the job never reached its encode pass");
            await Task.Delay(10);
        }
        File.Move(lastChunk, aside);

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            status = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(200), ct: timeout.Token);
        Assert.Equal(JobPhase.Failed, status.Phase);
        Assert.True(status.ErrorMessage?.StartsWith("encoding failed", StringComparison.Ordinal), status.ErrorMessage);

        File.Move(aside, lastChunk);
        var retried = await cluster.Client.RetryAsync(jobId);
        Assert.Equal(JobPhase.Encoding, retried.Phase);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            status = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(200), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, status.Phase);
        var lines = cluster.Silos.SelectMany(s => s.Lines).ToList();
        output.WriteLine($"processed lines after retry: {ChunkLog.Processed(lines, jobId).Count()}, reused: {ChunkLog.Reused(lines, jobId).Count()}");
        // Every chunk was processed once and every segment encoded once: the retry reused what was done.
        Assert.Equal(chunks, ChunkLog.Processed(lines.Where(l => l.Contains("(Process)", StringComparison.Ordinal)), jobId).Count());
        Assert.Equal(segments, ChunkLog.Encoded(lines, jobId).Count());

        var single = cluster.Files.File("single.opus");
        await CliProcess.JsonWithAsync(new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = $"{segmentSeconds}" },
            "normalize", input, "-o", single, "--chunk-seconds", $"{chunkSeconds}");
        Assert.Equal(await File.ReadAllBytesAsync(single), await File.ReadAllBytesAsync(cluster.PathOf(status.OutputKey!)));
    }
}
