using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;

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
    public async Task After_a_failed_save_the_job_waits_for_the_store_and_goes_on_from_what_was_saved()
    {
        var store = new FlakyState(Job(JobPhase.Assembling));
        var log = new LineLogger();
        var saved = new SavedJobState(store, "j1", "silo-a", Fast, log);
        await saved.WriteAsync();

        // The move to Completed is made in memory; the store is down when it is saved.
        saved.State.Phase = JobPhase.Completed;
        store.FailNext(writes: 1, reads: 3);
        var failure = await Assert.ThrowsAsync<JobStateUnavailableException>(saved.SaveAsync);
        await saved.WaitForStoreAsync(failure, CancellationToken.None);

        // Back on what the store holds, not on the unsaved move: the loop runs the assembly again instead of ending.
        Assert.Equal(JobPhase.Assembling, saved.State.Phase);
        Assert.Equal(3 + 1, store.ReadCalls);
        Assert.Equal(JobPhase.Assembling, saved.Status().Phase);

        saved.State.Phase = JobPhase.Completed;
        await saved.SaveAsync();
        Assert.Equal(JobPhase.Completed, store.Stored!.Phase);
        Assert.Equal(JobPhase.Completed, saved.Status().Phase);
        // Logged once at warning when it started, once at information when it ended; the retries only at debug.
        Assert.Single(log.Lines, l => l.StartsWith("Warning: Job j1 could not save its state in phase Completed", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith("Information: Job j1 saved its state again after 4 failed tries", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        Assert.Equal(3, log.Lines.Count(l => l.StartsWith("Debug", StringComparison.Ordinal)));
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
    public async Task A_wait_for_the_store_ends_when_the_job_is_stopped()
    {
        var store = new FlakyState(Job(JobPhase.Processing));
        var saved = new SavedJobState(store, "j3", "silo-a", Fast, new LineLogger());
        store.FailNext(writes: 0, reads: int.MaxValue);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => saved.WaitForStoreAsync(new TimeoutException("store down"), stop.Token));
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

    /// <summary>An in-memory grain state whose writes and reads fail as told; a read returns a copy of what was written.</summary>
    private sealed class FlakyState(JobState initial) : IPersistentState<JobState>
    {
        private int _failWrites;
        private int _failReads;

        public JobState State { get; set; } = initial;
        public JobState? Stored { get; private set; }
        public int ReadCalls { get; private set; }
        public string? Etag { get; private set; }
        public bool RecordExists { get; private set; } = true;

        public void FailNext(int writes, int reads) => (_failWrites, _failReads) = (writes, reads);

        public Task WriteStateAsync()
        {
            if (_failWrites > 0 && _failWrites-- > 0) throw new TimeoutException("store down (write)");
            Stored = Copy(State);
            RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ReadStateAsync()
        {
            ReadCalls++;
            if (_failReads > 0 && _failReads-- > 0) throw new TimeoutException("store down (read)");
            State = Stored is null ? new JobState() : Copy(Stored);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync()
        {
            Stored = null;
            State = new JobState();
            RecordExists = false;
            return Task.CompletedTask;
        }

        private static JobState Copy(JobState s) => new() { Spec = s.Spec, Phase = s.Phase };
    }
}
