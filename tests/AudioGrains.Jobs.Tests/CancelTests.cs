using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>Cancel mid-processing: within 1 s no chunk of the job is still computing on any silo, and 5 s later nothing of the job is left in the blob store.</summary>
[Collection(JobClusterCollection.Name)]
public sealed class CancelTests(JobClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Cancel_mid_processing_stops_every_chunk_within_a_second_and_leaves_nothing_in_the_store()
    {
        var jobs = fixture.Jobs;
        var probe = jobs.Probe;
        var jobId = JobClusterFixture.NewJobId("cancel");
        // Slow chunks: 2 s each, as long as their cancellation allows.
        probe.WorkRules[jobId] = async (item, _, ct) => await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.Wav);
        await JobCluster.WaitUntilAsync(() => probe.Completions(jobId, WorkKind.Process).Count >= 2 && jobs.RunningWork(jobId) > 0,
            TimeSpan.FromSeconds(30), "processing with some chunks done and some running");
        var runningAtCancel = jobs.RunningWork(jobId);
        var completedAtCancel = probe.Completions(jobId, WorkKind.Process).Count;

        var watch = Stopwatch.StartNew();
        var cancelledAt = probe.Now;
        // The chunks are watched while the cancel runs: the call goes on to delete the job's blobs and write its state
        // after its chunks have stopped, and on a loaded machine that part alone can pass a second.
        var cancel = jobs.Job(jobId).CancelAsync();
        while (jobs.RunningWork(jobId) > 0 && watch.Elapsed < TimeSpan.FromSeconds(3)) await Task.Delay(5);
        var stoppedAfter = watch.Elapsed;
        var status = await cancel;
        var cancelReturnedAfter = watch.Elapsed;

        output.WriteLine($"{runningAtCancel} chunks running and {completedAtCancel} done at the cancel; the call returned after {cancelReturnedAfter.TotalMilliseconds:F0} ms; no chunk running after {stoppedAfter.TotalMilliseconds:F0} ms");
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(1),
            $"{runningAtCancel} chunks were running at the cancel ({completedAtCancel} done); {jobs.RunningWork(jobId)} still ran {stoppedAfter.TotalMilliseconds:F0} ms later (the cancel call returned after {cancelReturnedAfter.TotalMilliseconds:F0} ms)");
        Assert.Equal(JobPhase.Cancelled, status.Phase);
        Assert.Equal(ErrorCodes.Cancelled, status.ErrorCode);
        Assert.Equal((JobPhase.Processing, JobPhase.Cancelled), probe.PhaseChanges(jobId)[^1]);

        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(0, jobs.RunningWork(jobId));
        Assert.Empty(jobs.Leftovers(jobId));
        Assert.False(Directory.Exists(jobs.PathOf(JobBlobKeys.Root(jobId))), "the job's folder is still there");
        Assert.Equal(JobPhase.Cancelled, (await jobs.Job(jobId).GetStatusAsync()).Phase);
        // No chunk of the job started once the cancel had returned.
        Assert.DoesNotContain(probe.Events(jobId), e => e.Kind == ProbeEvent.Started && e.At > cancelledAt + cancelReturnedAfter);
        probe.WorkRules.TryRemove(jobId, out _);
    }
}
