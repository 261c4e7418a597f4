using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Tests;

/// <summary>
/// The loop over a job's phases with scripted phases and a state store that fails as told, without a cluster: the order
/// of the work, and what a failed try costs (a transient one a try, a permanent one the job, the blob store's outage or
/// a conflicting save nothing). The cluster-level tests (Jobs.Tests FailureTests, OperatorRetryTests) run real phases.
/// </summary>
public sealed class PhaseLoopTests : IDisposable
{
    private const string JobId = "j1";

    private static readonly ProcessingOptions Fast = new()
    {
        MaxJobAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(2),
        RetryMaxDelay = TimeSpan.FromMilliseconds(10),
        StateRetryMaxDelay = TimeSpan.FromMilliseconds(10),
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-phaseloop-" + Guid.NewGuid().ToString("N"));
    private readonly LineLogger _log = new();
    private readonly RecordingObserver _observer = new();
    private readonly List<(JobPhase From, JobPhase To)> _moves = [];
    private readonly List<(string Code, string Message, bool DeadLetter)> _failures = [];
    private FlakyState _store = null!;
    private SavedJobState _saved = null!;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Runs_each_phase_in_turn_with_the_jobs_state_and_hands_each_move_to_the_grain()
    {
        var encoding = new ScriptedPhase(JobPhase.Encoding);
        var assembling = new ScriptedPhase(JobPhase.Assembling);
        await RunAsync(JobPhase.Encoding, Fast, encoding, assembling);

        Assert.Equal([(JobPhase.Encoding, JobPhase.Assembling), (JobPhase.Assembling, JobPhase.Completed)], _moves);
        Assert.Equal(1, encoding.Runs);
        Assert.Equal(1, assembling.Runs);
        Assert.All(encoding.Seen.Concat(assembling.Seen), run => Assert.Same(_saved.State, run.State));
        Assert.Equal(JobPhase.Completed, _store.Stored!.Phase);
        Assert.Empty(_failures);
        Assert.Equal((1, 1), (_observer.LoopsStarted, _observer.LoopsStopped));
    }

    [Fact]
    public async Task A_queued_job_moves_to_probing_without_running_a_phase()
    {
        var probing = new ScriptedPhase(JobPhase.Probing, new AudioGrainsException(ErrorCodes.InvalidMedia, "not audio"));
        await RunAsync(JobPhase.Queued, Fast, probing);

        Assert.Equal([(JobPhase.Queued, JobPhase.Probing)], _moves);
        Assert.Equal(1, probing.Runs);
    }

    [Fact]
    public async Task A_transient_failure_counts_a_try_saves_it_and_runs_the_phase_again()
    {
        var assembling = new ScriptedPhase(JobPhase.Assembling, new IOException("disk hiccup"));
        int? savedAttemptsOnRetry = null;
        assembling.OnRun = () => savedAttemptsOnRetry ??= assembling.Runs == 2 ? _store.Stored!.Attempts : null;
        await RunAsync(JobPhase.Assembling, Fast, assembling);

        Assert.Equal(2, assembling.Runs);
        Assert.Equal(1, savedAttemptsOnRetry);
        Assert.Equal([(JobPhase.Assembling, (WorkItem?)null, 1)], _observer.TriesFailed);
        Assert.Equal([(JobPhase.Assembling, JobPhase.Completed)], _moves);
        Assert.Equal(0, _store.Stored!.Attempts); // the next phase starts with no failed tries
        Assert.Single(_log.Lines, l => l.StartsWith("Warning: Job j1 phase Assembling failed (attempt 1), retrying in ", StringComparison.Ordinal)
            && l.EndsWith(" ms: processing-failed: disk hiccup", StringComparison.Ordinal));
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task A_permanent_failure_fails_the_job_at_once_without_counting_a_try()
    {
        var probing = new ScriptedPhase(JobPhase.Probing, new AudioGrainsException(ErrorCodes.InvalidMedia, "not audio"));
        await RunAsync(JobPhase.Probing, Fast, probing);

        Assert.Equal(1, probing.Runs);
        Assert.Equal([(ErrorCodes.InvalidMedia, "not audio", false)], _failures);
        Assert.Equal(JobPhase.Probing, _saved.State.FailedIn);
        Assert.Equal(0, _saved.State.Attempts);
        Assert.Equal([(JobPhase.Probing, (WorkItem?)null, 1)], _observer.TriesFailed);
        Assert.Contains("Warning: Job j1 failed in phase Probing: invalid-media: not audio", _log.Lines);
    }

    [Fact]
    public async Task Out_of_tries_the_job_is_dead_lettered_with_its_phase_and_tries_in_the_message()
    {
        var boom = Enumerable.Repeat<Exception?>(new InvalidOperationException("/srv/secret/path broke"), 5).ToArray();
        var assembling = new ScriptedPhase(JobPhase.Assembling, boom);
        await RunAsync(JobPhase.Assembling, Fast, assembling);

        Assert.Equal(3, assembling.Runs);
        // The message shows the kind of an unexpected error, not its text (it may name server paths).
        Assert.Equal([(ErrorCodes.ProcessingFailed, "assembling failed after 3 attempts: an internal error occurred (InvalidOperationException)", true)], _failures);
        Assert.Equal([1, 2, 3], _observer.TriesFailed.Select(t => t.Attempt));
        Assert.Equal(3, _saved.State.Attempts);
        Assert.Single(_log.Lines, l => l.StartsWith("Error: Job j1 dead-lettered in phase Assembling after 3 attempts: processing-failed: /srv/secret/path broke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_blob_stores_outage_is_waited_out_without_counting_a_try_and_each_phase_starts_its_own_wait()
    {
        // Five failures in a row, more than MaxJobAttempts: counted as tries they would dead-letter the job.
        var outage = Enumerable.Repeat<Exception?>(new AudioGrainsException(ErrorCodes.StorageUnavailable, "the blob store (s3) did not answer"), 5).ToArray();
        var encoding = new ScriptedPhase(JobPhase.Encoding, outage);
        var assembling = new ScriptedPhase(JobPhase.Assembling, outage[..2]);
        await RunAsync(JobPhase.Encoding, Fast, encoding, assembling);

        Assert.Equal((6, 3), (encoding.Runs, assembling.Runs));
        Assert.Empty(_observer.TriesFailed);
        Assert.Empty(_failures);
        Assert.Equal(JobPhase.Completed, _store.Stored!.Phase);
        // One warning per outage (the move to the next phase starts a new one); the waits between at debug.
        Assert.Equal(["Encoding", "Assembling"], _log.Lines.Where(l => l.StartsWith("Warning: Job j1 waits for the blob store in phase ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[10]));
        Assert.Equal(4 + 1, _log.Lines.Count(l => l.StartsWith("Debug: Job j1 waits ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Past_the_outage_tolerance_the_stores_failures_count_as_tries()
    {
        var outage = Enumerable.Repeat<Exception?>(new AudioGrainsException(ErrorCodes.StorageUnavailable, "the blob store (s3) did not answer"), 10).ToArray();
        var assembling = new ScriptedPhase(JobPhase.Assembling, outage);
        await RunAsync(JobPhase.Assembling, Fast with { StorageOutageTolerance = TimeSpan.Zero }, assembling);

        // The first failure starts the outage's clock; every later one is past a zero tolerance and counts.
        Assert.Equal(1 + 3, assembling.Runs);
        Assert.Equal([1, 2, 3], _observer.TriesFailed.Select(t => t.Attempt));
        Assert.Equal([(ErrorCodes.StorageUnavailable, "assembling failed after 3 attempts: the blob store (s3) did not answer", true)], _failures);
    }

    [Fact]
    public async Task After_a_conflicting_save_of_a_move_the_phase_runs_again_from_the_saved_state_without_counting_a_try()
    {
        var assembling = new ScriptedPhase(JobPhase.Assembling);
        // The first run's move to Completed meets another writer's save; the second's lands.
        assembling.OnRun = () => _store.Conflict = assembling.Runs == 1;
        await RunAsync(JobPhase.Assembling, Fast, assembling);

        Assert.Equal(2, assembling.Runs);
        Assert.Equal(1, _store.ReadCalls);
        Assert.Empty(_observer.TriesFailed);
        Assert.Empty(_failures);
        Assert.Equal(JobPhase.Completed, _store.Stored!.Phase);
        Assert.Single(_log.Lines, l => l.StartsWith("Warning: Job j1 could not save its state in phase Completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stopped_loop_ends_quietly_without_failing_the_job()
    {
        var processing = new ScriptedPhase(JobPhase.Processing) { Hang = true };
        using var stop = new CancellationTokenSource();
        var loop = RunAsync(JobPhase.Processing, Fast, stop.Token, processing);
        await processing.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_moves);
        Assert.Empty(_failures);
        Assert.Empty(_observer.TriesFailed);
        Assert.Equal(JobPhase.Processing, _store.Stored!.Phase);
        Assert.Equal((1, 1), (_observer.LoopsStarted, _observer.LoopsStopped));
    }

    private Task RunAsync(JobPhase phase, ProcessingOptions options, params IJobPhase[] phases) => RunAsync(phase, options, CancellationToken.None, phases);

    /// <summary>The loop as the grain wires it: moves entered and saved, failures marked and written.</summary>
    private async Task RunAsync(JobPhase phase, ProcessingOptions options, CancellationToken ct, params IJobPhase[] phases)
    {
        _store = new FlakyState(new JobState { Spec = new JobSpec { InputKey = "in", FileName = "a.wav" }, Phase = phase });
        _saved = new SavedJobState(_store, JobId, "silo-a", options, _log);
        await _saved.WriteAsync();
        var store = new FileSystemBlobStore(_root);
        var workspace = new JobWorkspace(store, new BlobStaging(store, Options.Create(options)), JobId);
        var fanOut = new FanOut(Options.Create(options), NullLogger<FanOut>.Instance);
        // The scripted phases send no work: no dispatcher.
        JobRun Run() => new(JobId, _saved.State, workspace, null!, fanOut, _observer, () => _saved.SaveAsync(ct));

        async Task MoveAsync(JobPhase from, JobPhase to)
        {
            JobTransitions.Enter(_saved.State, to);
            await _saved.SaveAsync(ct);
            _moves.Add((from, to));
        }

        async Task FailAsync(string code, string message, bool deadLetter)
        {
            _saved.State.MarkFailed(code, message, deadLetter, DateTimeOffset.UtcNow);
            await _saved.WriteAsync();
            _failures.Add((code, message, deadLetter));
        }

        await new PhaseLoop(JobId, _saved, phases, Run, MoveAsync, FailAsync, _observer, options, _log).RunAsync(ct);
    }

    /// <summary>A phase that throws the given errors on its first runs (null: that run succeeds), then ends with Done.</summary>
    private sealed class ScriptedPhase(JobPhase phase, params Exception?[] errors) : IJobPhase
    {
        public JobPhase Phase => phase;
        public int Runs { get; private set; }
        public List<JobRun> Seen { get; } = [];
        public Action? OnRun { get; set; }

        /// <summary>Runs until cancelled.</summary>
        public bool Hang { get; init; }
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
        {
            Runs++;
            Seen.Add(run);
            OnRun?.Invoke();
            Started.TrySetResult();
            if (Hang) await Task.Delay(Timeout.Infinite, ct);
            if (Runs <= errors.Length && errors[Runs - 1] is { } error) throw error;
            return PhaseOutcome.Done;
        }
    }

    private sealed class RecordingObserver : IJobObserver
    {
        public List<(JobPhase Phase, WorkItem? Item, int Attempt)> TriesFailed { get; } = [];
        public int LoopsStarted { get; private set; }
        public int LoopsStopped { get; private set; }

        public void PhaseChanged(string jobId, JobPhase from, JobPhase to)
        {
        }

        public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome)
        {
        }

        public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error) => TriesFailed.Add((phase, item, attempt));

        public void Running(string jobId) => LoopsStarted++;

        public void Stopped(string jobId) => LoopsStopped++;
    }
}
