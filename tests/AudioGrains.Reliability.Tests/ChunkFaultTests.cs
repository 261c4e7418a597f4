using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Cluster.Tests;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Reliability.Tests;

/// <summary>
/// Chunk faults injected by configuration (AudioGrains:Faults) into real silo processes: a chunk that fails twice, one
/// that always fails until the fault is lifted and an operator retries, one slower than the chunk timeout. Every job
/// ends with the samples of a fault-free single-process run, and no chunk recorded complete is computed again.
/// </summary>
public sealed class ChunkFaultTests(ITestOutputHelper output)
{
    /// <summary>60 s at 16 kHz in 5 s chunks: 12 chunks.</summary>
    private static readonly NormalizeOptions Options = new() { ChunkSeconds = 5, OutputFormat = "wav" };

    private const int Chunks = 12;

    private static readonly string[] ShortRetries =
        ["--AudioGrains:Processing:RetryBaseDelay=00:00:00.100", "--AudioGrains:Processing:RetryMaxDelay=00:00:00.200"];

    [Fact]
    public async Task A_chunk_that_fails_twice_is_retried_alone_and_the_job_gives_the_fault_free_output()
    {
        const int faulty = 4;
        await using var cluster = await RedisCluster.StartAsync(2,
            [.. ShortRetries, $"--AudioGrains:Faults:Chunk={faulty}", "--AudioGrains:Faults:ChunkFailures=2"]);
        var (input, jobId) = await StartJobAsync(cluster);
        var status = await WaitAsync(cluster, jobId);

        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorMessage}");
        // Absorbed by the chunk's own retries: the phase never failed.
        Assert.Equal(0, status.Attempts);
        var lines = JobLines(cluster, jobId);
        Assert.Equal(2, lines.Count(l => l.Contains($"Injected fault: chunk {faulty} of job {jobId} fails on try", StringComparison.Ordinal)));
        var retried = lines.Where(l => l.Contains(" failed (attempt ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, retried.Count);
        Assert.All(retried, l => Assert.Contains($"Process {faulty} of job {jobId}", l));
        AssertEachChunkProcessedOnce(lines, jobId);
        output.WriteLine($"chunk {faulty}: {retried.Count} failed tries, then done; {Chunks} chunks processed once each; phase attempts {status.Attempts}");
        await AssertFaultFreeSamplesAsync(cluster, input, status);
    }

    [Fact]
    public async Task A_chunk_that_always_fails_dead_letters_the_job_naming_it_and_a_retry_after_the_fault_is_lifted_completes()
    {
        const int faulty = 7;
        using var faults = new TempFolder();
        var faultsFile = faults.File("faults.json");
        await File.WriteAllTextAsync(faultsFile, $$"""{ "AudioGrains": { "Faults": { "Chunk": {{faulty}}, "ChunkAlwaysFails": true } } }""");
        // One chunk at a time: chunks 0-6 are complete before chunk 7 fails.
        await using var cluster = await RedisCluster.StartAsync(2,
            [.. ShortRetries, $"--AudioGrains:FaultsFile={faultsFile}", "--AudioGrains:Processing:MaxChunksInFlight=1",
             "--AudioGrains:Processing:MaxChunkAttempts=2", "--AudioGrains:Processing:MaxJobAttempts=2"]);
        var (input, jobId) = await StartJobAsync(cluster);
        var failed = await WaitAsync(cluster, jobId);

        Assert.Equal(JobPhase.Failed, failed.Phase);
        Assert.Equal(ErrorCodes.ProcessingFailed, failed.ErrorCode);
        Assert.Equal($"processing failed after 2 attempts: injected fault: chunk {faulty} fails on every try (AudioGrains:Faults)", failed.ErrorMessage);
        var before = JobLines(cluster, jobId);
        // Bounded: 2 tries of the chunk in each of the 2 passes over the phase.
        Assert.Equal(4, before.Count(l => l.Contains($"Injected fault: chunk {faulty} of job {jobId} fails on try", StringComparison.Ordinal)));
        Assert.Single(before, l => l.Contains($"Job {jobId} dead-lettered in phase Processing after 2 attempts", StringComparison.Ordinal));
        var doneBefore = ChunkLog.Processed(before, jobId).ToList();
        Assert.Equal(Enumerable.Range(0, faulty), doneBefore.Order());

        // The operator lifts the fault (every silo reads the file again within seconds), then retries.
        await File.WriteAllTextAsync(faultsFile, "{}");
        var lifted = Stopwatch.StartNew();
        while (!cluster.Silos.All(s => s.Lines.Any(l => l.Contains("Fault injection on this silo changed: none", StringComparison.Ordinal))))
        {
            Assert.True(lifted.Elapsed < TimeSpan.FromSeconds(20), "a silo did not read the faults file again within 20 s");
            await Task.Delay(100);
        }
        output.WriteLine($"fault lifted on every silo {lifted.Elapsed.TotalSeconds:F1} s after the file changed");
        var retried = await cluster.Client.RetryAsync(jobId);
        Assert.Equal(JobPhase.Processing, retried.Phase);
        var done = await WaitAsync(cluster, jobId);
        Assert.True(done.Phase == JobPhase.Completed, $"{done.Phase} after the retry: {done.ErrorMessage}");

        // Chunks 0-6 were not computed again; 7-11 once, after the retry.
        var lines = JobLines(cluster, jobId);
        AssertEachChunkProcessedOnce(lines, jobId);
        output.WriteLine($"dead letter: \"{failed.ErrorMessage}\" ({failed.ErrorCode}); chunks done before: {doneBefore.Count}; after the retry: {string.Join(",", ChunkLog.Processed(lines, jobId).Except(doneBefore).Order())}");
        await AssertFaultFreeSamplesAsync(cluster, input, done);
    }

    [Fact]
    public async Task A_chunk_slower_than_the_chunk_timeout_is_cancelled_and_retried_and_the_job_gives_the_fault_free_output()
    {
        const int faulty = 3;
        await using var cluster = await RedisCluster.StartAsync(2,
            [.. ShortRetries, "--AudioGrains:Processing:ChunkTimeout=00:00:10", $"--AudioGrains:Faults:Chunk={faulty}",
             "--AudioGrains:Faults:ChunkDelay=00:05:00", "--AudioGrains:Faults:ChunkDelayedTries=1"]);
        var watch = Stopwatch.StartNew();
        var (input, jobId) = await StartJobAsync(cluster);
        var status = await WaitAsync(cluster, jobId);
        var took = watch.Elapsed;

        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorMessage}");
        // Done long before the 5 min delay would have ended (a loaded machine may take a minute for the whole job): the
        // slow try was cancelled at 10 s, the retry was not delayed.
        Assert.True(took < TimeSpan.FromSeconds(150), $"the job took {took.TotalSeconds:F1} s");
        Assert.Equal(0, status.Attempts);
        var lines = JobLines(cluster, jobId);
        var timedOut = Assert.Single(lines, l => l.Contains(" failed (attempt ", StringComparison.Ordinal));
        Assert.Contains($"Process {faulty} of job {jobId} failed (attempt 1)", timedOut);
        Assert.Contains($"chunk {faulty} (process) did not finish within 10 s", timedOut);
        AssertEachChunkProcessedOnce(lines, jobId);
        output.WriteLine($"job done {took.TotalSeconds:F1} s after its start; {timedOut[(timedOut.IndexOf("Process", StringComparison.Ordinal))..]}");
        await AssertFaultFreeSamplesAsync(cluster, input, status);
    }

    private static async Task<(string Input, string JobId)> StartJobAsync(RedisCluster cluster)
    {
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.wav"),
            "aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)':s=16000:d=60", "-c:a", "pcm_s16le");
        var jobId = Guid.NewGuid().ToString("N");
        await cluster.Client.StartAsync(jobId, cluster.Stage(jobId, input, Options));
        return (input, jobId);
    }

    private static async Task<JobStatus> WaitAsync(RedisCluster cluster, string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(200), ct: timeout.Token);
    }

    private static List<string> JobLines(RedisCluster cluster, string jobId) =>
        cluster.Silos.SelectMany(s => s.Lines).Where(l => l.Contains(jobId, StringComparison.Ordinal)).ToList();

    /// <summary>Every chunk computed exactly once over the job's life (failed tries write nothing and log no "Processed").</summary>
    private static void AssertEachChunkProcessedOnce(IEnumerable<string> lines, string jobId)
    {
        var processed = ChunkLog.Processed(lines, jobId).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, Chunks), processed.Keys.Order());
        Assert.All(processed, p => Assert.True(p.Value == 1, $"chunk {p.Key} was computed {p.Value} times"));
    }

    private static async Task AssertFaultFreeSamplesAsync(RedisCluster cluster, string input, JobStatus status)
    {
        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "5");
        Assert.Equal(WavFile.Read(single).Samples, WavFile.Read(await cluster.OutputFileAsync(status.OutputKey!)).Samples);
    }
}
