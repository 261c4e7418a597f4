using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>A chunk that fails once is retried and the job completes; one that always fails dead-letters the job after a bounded number of tries.</summary>
[Collection(JobClusterCollection.Name)]
public sealed class FailureTests(JobClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_chunk_failing_on_its_first_try_is_retried_and_the_job_completes()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("transient");
        const int k = 5;
        jobs.Probe.WorkRules[jobId] = (item, attempt, _) =>
            item is { Kind: WorkKind.Process, Index: k } && attempt == 1 ? throw new InvalidOperationException("injected transient fault") : ValueTask.CompletedTask;
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.Wav);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);

        Assert.True(status.Phase == JobPhase.Completed, $"phase {status.Phase}: {status.ErrorMessage}");
        Assert.Equal(0, status.Attempts);
        var failures = jobs.Probe.TryFailures(jobId);
        var failure = Assert.Single(failures);
        Assert.Equal(new WorkItem(jobId, WorkKind.Process, k), failure.Item);
        Assert.Equal(1, failure.Attempt);
        Assert.Equal(JobPhase.Processing, failure.From);
        Assert.Contains("injected transient fault", failure.Error);
        // The failed chunk ran twice; every other chunk ran and completed exactly once.
        var starts = jobs.Probe.Starts(jobId, WorkKind.Process);
        Assert.Equal(20, starts.Count);
        Assert.All(starts, s => Assert.Equal(s.Key == k ? 2 : 1, s.Value));
        var completed = jobs.Probe.Completions(jobId, WorkKind.Process).GroupBy(e => e.Item!.Value.Index).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 20), completed.Keys.Order());
        Assert.All(completed.Values, n => Assert.Equal(1, n));
        Assert.True(File.Exists(jobs.PathOf(status.OutputKey!)));
    }

    [Fact]
    public async Task A_chunk_that_always_fails_dead_letters_the_job_after_bounded_tries_and_keeps_the_input()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("deadletter");
        const int k = 3;
        jobs.Probe.WorkRules[jobId] = (item, _, _) =>
            item is { Kind: WorkKind.Process, Index: k } ? throw new InvalidOperationException("injected permanent chunk fault") : ValueTask.CompletedTask;
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.Wav);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);

        Assert.Equal(JobPhase.Failed, status.Phase);
        Assert.Equal(ErrorCodes.ProcessingFailed, status.ErrorCode);
        // The job names the kind of an internal error, never its message (which may name server paths).
        Assert.Equal($"processing failed after {JobClusterFixture.MaxJobAttempts} attempts: an internal error occurred (InvalidOperationException)", status.ErrorMessage);
        // Tries of the chunk: MaxChunkAttempts in each of MaxJobAttempts passes over the phase.
        Assert.Equal(JobClusterFixture.MaxJobAttempts * JobClusterFixture.MaxChunkAttempts, jobs.Probe.Starts(jobId, WorkKind.Process)[k]);
        // The observer hears each chunk retry (all but the last try of each pass) and each failed pass.
        var failures = jobs.Probe.TryFailures(jobId);
        Assert.Equal(JobClusterFixture.MaxJobAttempts * (JobClusterFixture.MaxChunkAttempts - 1), failures.Count(f => f.Item is not null));
        Assert.All(failures.Where(f => f.Item is not null), f => Assert.Equal(new WorkItem(jobId, WorkKind.Process, k), f.Item));
        Assert.Equal(Enumerable.Range(1, JobClusterFixture.MaxJobAttempts), failures.Where(f => f.Item is null).Select(f => f.Attempt));
        output.WriteLine($"\"{status.ErrorMessage}\"; tries of chunk {k}: {jobs.Probe.Starts(jobId, WorkKind.Process)[k]}; failed tries heard: {failures.Count(f => f.Item is not null)} of the chunk, {failures.Count(f => f.Item is null)} of the phase");
        Assert.Equal((JobPhase.Processing, JobPhase.Failed), jobs.Probe.PhaseChanges(jobId)[^1]);
        Assert.Null(status.OutputKey);
        // A dead letter keeps its input and its working data, so an operator's retry can resume.
        Assert.True(File.Exists(jobs.PathOf(JobBlobKeys.Input(jobId))), "the dead-lettered job's input was deleted");
        Assert.True(File.Exists(jobs.PathOf(JobBlobKeys.Pcm(jobId))), "the dead-lettered job's working PCM was deleted");
        // Nothing retries it by itself.
        await Task.Delay(500);
        Assert.Equal(JobPhase.Failed, (await jobs.Job(jobId).GetStatusAsync()).Phase);
        Assert.Equal(JobClusterFixture.MaxJobAttempts * JobClusterFixture.MaxChunkAttempts, jobs.Probe.Starts(jobId, WorkKind.Process)[k]);
        jobs.Probe.WorkRules.TryRemove(jobId, out _);
    }
}
