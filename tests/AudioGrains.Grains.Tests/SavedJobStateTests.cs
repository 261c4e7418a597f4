using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using Orleans.Storage;

namespace AudioGrains.Grains.Tests;

/// <summary>
/// How a job lives through an outage of its state store (issue 12: no silent stall). The cluster-level tests
/// (Jobs.Tests StateStoreOutageTests, SiloCrashTests) do the same with a real Redis; these take the store down exactly
/// where they need to, without a cluster.
/// </summary>
public sealed class SavedJobStateTests
{
    private static readonly ProcessingOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(5), StateRetryMaxDelay = TimeSpan.FromMilliseconds(20) };

    private static JobState Job(JobPhase phase) => new() { Spec = new JobSpec { InputKey = "in", FileName = "a.wav" }, Phase = phase };

    [Fact]
    public async Task A_save_during_an_outage_is_tried_again_until_the_store_answers_and_keeps_the_move()
    {
        var store = new FlakyState(Job(JobPhase.Assembling));
        var log = new LineLogger();
        var saved = new SavedJobState(store, "j1", "silo-a", Fast, log);
        await saved.WriteAsync();

        // The move to Completed, saved while the store is down for three tries: the save returns once it has landed,
        // so the job goes on from Completed (cleanup, expiry) instead of running its assembly again.
        saved.State.Phase = JobPhase.Completed;
        store.FailNext(writes: 3, reads: 0);
        await saved.SaveAsync(CancellationToken.None);

        Assert.Equal(JobPhase.Completed, store.Stored!.Phase);
        Assert.Equal(3 + 2, store.WriteCalls);
        Assert.Equal(0, store.ReadCalls);
        Assert.Equal(JobPhase.Completed, saved.Status().Phase);
        // Logged once at warning when it started, once at information when it ended; the tries between at debug.
        Assert.Single(log.Lines, l => l.StartsWith("Warning: Job j1 could not save its state in phase Completed", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith("Information: Job j1 saved its state again after 3 failed tries", StringComparison.Ordinal));
        Assert.Equal(2, log.Lines.Count(l => l.StartsWith("Debug", StringComparison.Ordinal)));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_conflicting_write_the_job_goes_on_from_what_was_saved_not_from_memory()
    {
        var store = new FlakyState(Job(JobPhase.Assembling));
        var saved = new SavedJobState(store, "j5", "silo-a", Fast, new LineLogger());
        await saved.WriteAsync();

        // Another writer saved since: the write is not tried again, the state is read back (through an outage of reads).
        saved.State.Phase = JobPhase.Completed;
        store.Conflict = true;
        var conflict = await Assert.ThrowsAsync<JobStateUnavailableException>(() => saved.SaveAsync(CancellationToken.None));
        Assert.IsType<InconsistentStateException>(conflict.InnerException);
        Assert.Equal(2, store.WriteCalls);
        store.Conflict = false;
        store.FailNext(writes: 0, reads: 2);
        await saved.WaitForStoreAsync(conflict, CancellationToken.None);

        Assert.Equal(JobPhase.Assembling, saved.State.Phase);
        Assert.Equal(2 + 1, store.ReadCalls);
        Assert.Equal(JobPhase.Assembling, saved.Status().Phase);
    }

    [Fact]
    public async Task Callers_see_the_last_saved_status_never_a_phase_only_in_memory()
    {
        var store = new FlakyState(Job(JobPhase.Processing));
        var saved = new SavedJobState(store, "j2", "silo-a", Fast, new LineLogger());
        await saved.WriteAsync();
        saved.State.Phase = JobPhase.Encoding;
        Assert.Equal(JobPhase.Processing, saved.Status().Phase);
        Assert.Equal("silo-a", saved.Status().Host);
        await saved.WriteAsync();
        Assert.Equal(JobPhase.Encoding, saved.Status().Phase);
    }

    [Fact]
    public async Task A_stopped_job_stops_waiting_for_the_store()
    {
        var store = new FlakyState(Job(JobPhase.Processing));
        var saved = new SavedJobState(store, "j3", "silo-a", Fast, new LineLogger());
        store.FailNext(writes: int.MaxValue, reads: int.MaxValue);
        using var stopSave = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => saved.SaveAsync(stopSave.Token));
        Assert.True(store.WriteCalls >= 2, $"{store.WriteCalls} writes");
        using var stopWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => saved.WaitForStoreAsync(new TimeoutException("store down"), stopWait.Token));
        Assert.True(store.ReadCalls >= 2, $"{store.ReadCalls} reads");
    }

    [Fact]
    public async Task A_cleared_job_no_longer_exists()
    {
        var store = new FlakyState(Job(JobPhase.Completed));
        var saved = new SavedJobState(store, "j4", "silo-a", Fast, new LineLogger());
        await saved.WriteAsync();
        Assert.True(saved.Status().Exists);
        await saved.ClearAsync();
        Assert.False(saved.Exists);
        Assert.False(saved.Status().Exists);
    }
}
