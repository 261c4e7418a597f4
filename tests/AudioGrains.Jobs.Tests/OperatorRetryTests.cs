using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using Xunit.Abstractions;
using static AudioGrains.Abstractions.JobPhase;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// A job dead-lettered in each phase, then retried by an operator once the fault is gone: it resumes in the phase that
/// failed (from the beginning when it failed before the working PCM existed), completes, and computes no chunk or
/// segment again that was recorded complete before the failure.
/// </summary>
[Collection(JobClusterCollection.Name)]
public sealed class OperatorRetryTests(JobClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<JobPhase> FailedPhases => [Probing, Decoding, Analyzing, Processing, Encoding, Assembling];

    [Theory]
    [MemberData(nameof(FailedPhases))]
    public async Task A_job_dead_lettered_in_a_phase_resumes_there_on_retry_and_completes(JobPhase failing)
    {
        var jobs = fixture.Jobs;
        var probe = jobs.Probe;
        var jobId = JobClusterFixture.NewJobId($"retry-{failing.ToString().ToLowerInvariant()}");
        var options = failing switch
        {
            Analyzing => JobClusterFixture.Wav with { ChunkSeconds = 2, Denoise = NoiseReduction.Stationary },
            Encoding => JobClusterFixture.Wav with { OutputFormat = "opus" },
            _ => JobClusterFixture.Wav,
        };
        var faulty = true;
        var stashed = jobs.Files.File($"{jobId}.stats");
        var statsKey = JobBlobKeys.Statistics(JobBlobKeys.Chunk(jobId, 0));
        var faultyItem = failing switch
        {
            Analyzing => new WorkItem(jobId, WorkKind.Analyze, 2),
            Processing => new WorkItem(jobId, WorkKind.Process, 7),
            Encoding => new WorkItem(jobId, WorkKind.Encode, 2),
            _ => (WorkItem?)null,
        };
        switch (failing)
        {
            case Probing or Decoding:
                probe.FailingPhases[(jobId, failing)] = true;
                break;
            case Analyzing or Processing or Encoding:
                // The faulty unit fails only once another unit of its pass has completed (or after 10 s), so that
                // there is finished work whose reuse the retry can show.
                probe.WorkRules[jobId] = async (item, _, ct) =>
                {
                    if (!Volatile.Read(ref faulty) || item != faultyItem) return;
                    var until = probe.Now + TimeSpan.FromSeconds(10);
                    while (!probe.Completions(jobId, item.Kind).Any(e => !e.Reused) && probe.Now < until) await Task.Delay(20, ct);
                    throw new InvalidOperationException("injected fault");
                };
                break;
            case Assembling:
                // The assembly reads every chunk's statistics first: one of them goes missing as the job enters assembly.
                probe.PhaseHooks[jobId] = (_, to) =>
                {
                    if (to == Assembling && Volatile.Read(ref faulty)) File.Move(jobs.PathOf(statsKey), stashed);
                };
                break;
        }

        await jobs.StartJobAsync(jobId, fixture.Speech, options);
        var failed = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(failed.Phase == Failed, $"phase {failed.Phase}: {failed.ErrorMessage}");
        Assert.StartsWith($"{failing.ToString().ToLowerInvariant()} failed after {JobClusterFixture.MaxJobAttempts} attempts", failed.ErrorMessage);
        Assert.Equal((failing, Failed), probe.PhaseChanges(jobId)[^1]);
        var failedAt = probe.Now;
        var phasesBefore = probe.PhaseChanges(jobId).Count;
        // What was recorded complete before the failure (really computed, not reused).
        var doneBefore = probe.Events(jobId).Where(e => e.Kind == ProbeEvent.Completed && !e.Reused).Select(e => e.Item!.Value).Distinct().ToList();
        if (failing is Analyzing or Processing or Encoding)
            Assert.True(doneBefore.Any(i => i.Kind == faultyItem!.Value.Kind), $"no {faultyItem!.Value.Kind} unit completed before the failure: nothing to check reuse with");
        if (failing == Assembling) Assert.True(File.Exists(stashed), "the fault was not injected");

        // The operator fixes the cause and retries.
        Volatile.Write(ref faulty, false);
        probe.FailingPhases.TryRemove((jobId, failing), out _);
        if (failing == Assembling) File.Move(stashed, jobs.PathOf(statsKey));
        var resumed = await jobs.Job(jobId).RetryAsync();
        var resumesIn = failing is Probing or Decoding ? Queued : failing;
        Assert.Equal(resumesIn, resumed.Phase);
        Assert.Null(resumed.ErrorMessage);
        var done = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(done.Phase == Completed, $"phase {done.Phase} after the retry: {done.ErrorMessage}");
        Assert.True(File.Exists(jobs.PathOf(done.OutputKey!)));
        await JobCluster.WaitUntilAsync(() => !File.Exists(jobs.PathOf(JobBlobKeys.Input(jobId))), TimeSpan.FromSeconds(2), "the input deleted");

        JobPhase[] path = failing switch
        {
            Probing or Decoding => [Queued, Probing, Decoding, Processing, Assembling, Completed],
            Analyzing => [Analyzing, Processing, Assembling, Completed],
            Processing => [Processing, Assembling, Completed],
            Encoding => [Encoding, Assembling, Completed],
            _ => [Assembling, Completed],
        };
        Assert.Equal(path.Prepend(Failed).Zip(path), probe.PhaseChanges(jobId).Skip(phasesBefore));

        // Nothing recorded complete before the failure was computed again (the analysis' second step, over the
        // noise, runs after the retry for every chunk: one computation each).
        foreach (var item in doneBefore)
        {
            var again = probe.Starts(jobId, item.Kind, after: failedAt).GetValueOrDefault(item.Index);
            Assert.True(again == (item.Kind == WorkKind.Analyze ? 1 : 0), $"{item.Kind} {item.Index} was computed {again} times again after the retry");
        }
        output.WriteLine($"dead letter: \"{failed.ErrorMessage}\"; units done before: {string.Join(", ", doneBefore.GroupBy(i => i.Kind).Select(g => $"{g.Count()} {g.Key}"))}; " +
                         $"reused after the retry: {probe.Events(jobId).Count(e => e.Kind == ProbeEvent.Completed && e.Reused && e.At > failedAt)}; " +
                         $"computed after the retry: {string.Join(", ", probe.Events(jobId).Where(e => e.Kind == ProbeEvent.Started && e.At > failedAt).GroupBy(e => e.Item!.Value.Kind).Select(g => $"{g.Count()} {g.Key}"))}");
        if (faultyItem is { } f) Assert.True(probe.Starts(jobId, f.Kind, after: failedAt).GetValueOrDefault(f.Index) >= 1, "the failed unit was not computed after the retry");
        probe.WorkRules.TryRemove(jobId, out _);
        probe.PhaseHooks.TryRemove(jobId, out _);
    }
}
