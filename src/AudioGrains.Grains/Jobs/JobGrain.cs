using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Grains.Storage;
using AudioGrains.Grains.Telemetry;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The owner of one job: its lifecycle, its reminder, the loop that runs its phases, the public calls, persistence and
/// the failure policy. The work itself is in the phases (<see cref="IJobPhase"/>); where the job goes next is decided
/// by <see cref="JobTransitions"/>. The loop runs in the background (never inside a grain call, so status stays
/// answerable); a reminder restarts it on another silo after a crash, and it resumes from the persisted state.
/// </summary>
public sealed partial class JobGrain(
    [PersistentState("job", JobStorage.Name)] IPersistentState<JobState> state,
    IBlobStore blobs,
    BlobStaging staging,
    IEnumerable<IJobPhase> phases,
    FanOut fanOut,
    JobObservers observer,
    IOptions<ProcessingOptions> options,
    SiloIdentity silo,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string PulseReminder = "job-pulse";
    private static readonly TimeSpan PulsePeriod = TimeSpan.FromMinutes(1);

    /// <summary>After a cancel or a delete, the job's blobs are deleted once more this much later: a chunk that ignored its cancellation may have written since.</summary>
    private static readonly TimeSpan CancelSweepDelay = TimeSpan.FromSeconds(2);

    private readonly Dictionary<JobPhase, IJobPhase> _phases = phases.ToDictionary(p => p.Phase);
    private Task? _loop;
    private CancellationTokenSource? _loopCancellation;
    private IGrainTimer? _keepAlive;

    private SavedJobState? _saved;

    /// <summary>The loop's wait for the blob store while a phase meets its outage; reset when a phase moves on.</summary>
    private readonly OutageWait _storageOutage = new();

    /// <summary>Made on first use: the grain's key is not known in its constructor's field initialisers.</summary>
    private SavedJobState Saved => _saved ??= new(state, JobId, silo.Name, options.Value, logger);

    private JobState S => Saved.State;

    private string JobId => this.GetPrimaryKeyString();

    private bool Exists => Saved.Exists;

    private JobWorkspace Workspace => new(blobs, staging, JobId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists && !S.Phase.IsTerminal())
        {
            var (unit, completed, total) = S.CompletedWork(JobId);
            logger.LogInformation("Job {JobId} resumed on silo {Silo} in phase {Phase} with {Unit} {Completed} of {Total} complete",
                JobId, silo.Name, S.Phase, unit, completed, total);
            StartLoop();
        }
        else if (Exists) StartExpiryTimer();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _loopCancellation?.Cancel();
        if (_loop is not null) await _loop.ContinueWith(_ => { }, TaskScheduler.Current);
        _keepAlive?.Dispose();
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        if (!Exists)
        {
            // The trace of the request that creates the job is saved with its first write: a resume elsewhere continues it.
            Saved.State = new JobState { Spec = spec, Phase = JobPhase.Queued, CreatedAt = DateTimeOffset.UtcNow, TraceParent = Activity.Current?.Id };
            try
            {
                spec.Options.Validated();
            }
            catch (AudioGrainsException e)
            {
                _ = Lifetime.TellStartedAsync(S.CreatedAt);
                await FailAsync(e.Code, e.Message, deadLetter: false);
                return Status();
            }
            await WriteAsync();
            // Once saved: the registry's checks ask the job, and an unsaved job answers that it does not exist. Not
            // awaited: the start (and the upload waiting on it) must not wait on the registry; a notice it misses is
            // made good by its checks, and the notice logs its own failure.
            _ = Lifetime.TellStartedAsync(S.CreatedAt);
            observer.Started(Status());
            logger.LogInformation("Job {JobId} started for {FileName} ({InputBytes} bytes), correlation {CorrelationId}",
                JobId, spec.FileName, spec.InputBytes, spec.CorrelationId);
        }
        // A repeated call (Orleans may deliver one twice; a caller may retry after a timeout) makes sure the job runs.
        if (!S.Phase.IsTerminal())
        {
            await this.RegisterOrUpdateReminder(PulseReminder, PulsePeriod, PulsePeriod);
            StartLoop();
        }
        return Status();
    }

    public async Task<JobStatus> GetStatusAsync()
    {
        // The lazy check: a job past its expiry answers expired, whether or not its reminder or timer has fired.
        if (Exists && Lifetime.IsDue(S, DateTimeOffset.UtcNow)) await ExpireSafelyAsync();
        return Status();
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!Exists || S.Phase.IsTerminal()) return Status();
        // The loop's passes wait for their chunk calls to stop before this goes on, so what they wrote is deleted below.
        await StopLoopAsync();
        var from = S.Phase;
        S.MarkCancelled(DateTimeOffset.UtcNow);
        Lifetime.SetExpiresAt(S);
        await Workspace.DeleteAllAsync();
        await WriteAsync();
        await UnregisterPulseAsync();
        StartSweep();
        observer.PhaseChanged(JobId, from, JobPhase.Cancelled);
        logger.LogInformation("Job {JobId} cancelled", JobId);
        await EndedAsync();
        return Status();
    }

    public async Task<JobStatus> RetryAsync()
    {
        await _lifetimeLock.WaitAsync();
        try
        {
            if (!Exists || S.Phase != JobPhase.Failed || !S.DeadLettered) return Status();
            var to = JobTransitions.ResumeAfterRetry(S.FailedIn, S.Layout is not null && await Workspace.HasWorkingPcmAsync());
            JobTransitions.Enter(S, to);
            S.ClearFailure();
            await WriteAsync();
            await this.RegisterOrUpdateReminder(PulseReminder, PulsePeriod, PulsePeriod);
            await StopExpiryAsync();
            await Lifetime.TellStartedAsync(S.CreatedAt);
            observer.PhaseChanged(JobId, JobPhase.Failed, to);
            logger.LogInformation("Job {JobId} retried by an operator from phase {Phase}", JobId, S.Phase);
            StartLoop();
            return Status();
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    public async Task<byte[]> ReadOutputAsync(long offset, int count, CancellationToken ct)
    {
        if (Exists && Lifetime.IsDue(S, DateTimeOffset.UtcNow)) await ExpireSafelyAsync();
        return !Exists || S.Phase != JobPhase.Completed || S.OutputKey is not { } key
            ? throw new AudioGrainsException(ErrorCodes.NotFound, $"job {JobId} has no output{(Exists ? $" (it is {S.Phase.ToString().ToLowerInvariant()})" : "")}")
            : await Workspace.ReadAsync(key, offset, count, ct);
    }

    public Task<LoudnessSeries> GetLoudnessSeriesAsync(CancellationToken ct) => JobLoudnessSeries.ReadAsync(Workspace, Exists && S.Phase == JobPhase.Completed, ct);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ExpiryReminder)
        {
            await ReceiveExpiryReminderAsync();
            return;
        }
        if (reminderName != PulseReminder) return;
        if (!Exists || S.Phase.IsTerminal()) await UnregisterPulseAsync();
        else StartLoop();
    }

    private void StartLoop()
    {
        if (_loop is { IsCompleted: false }) return;
        _loopCancellation = new CancellationTokenSource();
        // Keeps the activation alive while the loop runs: a background task alone does not count as activity.
        _keepAlive ??= this.RegisterGrainTimer(static _ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        _loop = RunLoopAsync(_loopCancellation.Token);
    }

    private async Task StopLoopAsync()
    {
        _loopCancellation?.Cancel();
        if (_loop is not null)
        {
            try { await _loop; } catch (OperationCanceledException) { }
        }
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        await Task.Yield();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = JobId, ["CorrelationId"] = S.Spec?.CorrelationId ?? "" });
        // The job's span continues the trace of the request that submitted it, on whichever silo the job runs.
        using var span = JobTrace.Start(JobId, S.TraceParent);
        observer.Running(JobId);
        try
        {
            while (Exists && !S.Phase.IsTerminal() && !ct.IsCancellationRequested)
            {
                var from = S.Phase;
                try
                {
                    using var phaseSpan = from == JobPhase.Queued ? null : JobTrace.StartPhase(from);
                    var outcome = from == JobPhase.Queued ? PhaseOutcome.Done : await _phases[from].RunAsync(Run(), ct);
                    await MoveAsync(from, JobTransitions.Next(from, outcome, S));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    await HandleFailureSafelyAsync(e, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            observer.Stopped(JobId);
            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }

    private JobRun Run() => new(JobId, S, Workspace, new GrainWorkDispatcher(GrainFactory), fanOut, observer, SaveAsync);

    /// <summary>Persists the move to the next phase; a completed job keeps only its output.</summary>
    private async Task MoveAsync(JobPhase from, JobPhase to)
    {
        _storageOutage.Reset();
        JobTransitions.Enter(S, to);
        if (to == JobPhase.Completed)
        {
            S.CompletedAt = DateTimeOffset.UtcNow;
            Lifetime.SetExpiresAt(S);
        }
        await SaveAsync();
        observer.PhaseChanged(JobId, from, to);
        if (to != JobPhase.Completed) return;
        await Workspace.DeleteIntermediatesAsync();
        await UnregisterPulseAsync();
        await EndedAsync();
    }

    /// <summary>
    /// A failed save of the job's own state is not a failed try of the phase. The loop's saves wait out an outage
    /// themselves (<see cref="SavedJobState.SaveAsync"/>); what reaches here is a conflict (a stale writer from a silo
    /// declared dead) or a failed write outside them (the failure handler's): the job re-reads what was saved and goes on
    /// from there, without counting a try (a long outage must not dead-letter a healthy job). The loop never ends silently.
    /// </summary>
    private async Task HandleFailureSafelyAsync(Exception e, CancellationToken ct)
    {
        try
        {
            if (e is JobStateUnavailableException) await Saved.WaitForStoreAsync(e, ct);
            else await HandleFailureAsync(e, ct);
        }
        catch (Exception stateError) when (!ct.IsCancellationRequested)
        {
            await Saved.WaitForStoreAsync(stateError, ct);
        }
    }

    /// <summary>Applies the <see cref="FailurePolicy"/>: fail, dead-letter, or wait and let the loop try the phase again.</summary>
    private async Task HandleFailureAsync(Exception e, CancellationToken ct)
    {
        if (StorageOutage.Is(e) && _storageOutage.Next(options.Value) is { } wait)
        {
            // Not a try of the phase: the loop runs it again, from its last checkpoint, once the store answers.
            if (_storageOutage.Failures == 1)
                logger.LogWarning("Job {JobId} waits for the blob store in phase {Phase} ({ErrorMessage}); trying again every {MaxDelayS:F0} s at most for up to {ToleranceS:F0} s",
                    JobId, S.Phase, e.Message, options.Value.StateRetryMaxDelay.TotalSeconds, options.Value.StorageOutageTolerance.TotalSeconds);
            else
                logger.LogDebug("Job {JobId} waits {DelayMs:F0} ms for the blob store ({Failures} failures in a row)", JobId, wait.TotalMilliseconds, _storageOutage.Failures);
            await Task.Delay(wait, ct);
            return;
        }
        var attempt = S.Attempts + 1;
        var decision = FailurePolicy.Decide(e, S.Phase, attempt, options.Value);
        observer.TryFailed(JobId, S.Phase, null, attempt, e);
        if (decision.Action != FailureAction.Fail) S.Attempts = attempt;
        switch (decision.Action)
        {
            case FailureAction.Fail:
                logger.LogWarning("Job {JobId} failed in phase {Phase}: {ErrorCode}: {ErrorMessage}", JobId, S.Phase, decision.Code, decision.Message);
                await FailAsync(decision.Code, decision.Message, deadLetter: false);
                break;
            case FailureAction.DeadLetter:
                logger.LogError(e, "Job {JobId} dead-lettered in phase {Phase} after {Attempts} attempts: {ErrorCode}: {ErrorMessage}",
                    JobId, S.Phase, S.Attempts, decision.Code, e.Message);
                await FailAsync(decision.Code, decision.Message, deadLetter: true);
                break;
            default:
                logger.LogWarning("Job {JobId} phase {Phase} failed (attempt {Attempt}), retrying in {DelayMs:F0} ms: {ErrorCode}: {ErrorMessage}",
                    JobId, S.Phase, S.Attempts, decision.Delay.TotalMilliseconds, decision.Code, e.Message);
                await SaveAsync();
                await Task.Delay(decision.Delay, ct);
                break;
        }
    }

    /// <summary>A dead-lettered job keeps its input and finished work, so an operator's retry resumes where it stopped.</summary>
    private async Task FailAsync(string code, string message, bool deadLetter)
    {
        var from = S.Phase;
        S.MarkFailed(code, message, deadLetter, DateTimeOffset.UtcNow);
        Lifetime.SetExpiresAt(S);
        if (!deadLetter) await Workspace.DeleteAllAsync();
        await WriteAsync();
        await UnregisterPulseAsync();
        observer.PhaseChanged(JobId, from, JobPhase.Failed);
        await EndedAsync();
    }

    private void StartSweep() =>
        this.RegisterGrainTimer(static (job, _) => job.SweepAsync(), this,
            new GrainTimerCreationOptions(CancelSweepDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });

    private async Task SweepAsync()
    {
        if (!Exists || S.Phase == JobPhase.Cancelled) await Workspace.DeleteAllAsync();
    }

    private Task UnregisterPulseAsync() => UnregisterReminderAsync(PulseReminder);

    private Task WriteAsync() => Saved.WriteAsync();

    /// <summary>The loop's save: tried again until the store answers; a failure is the store's, not the phase's (<see cref="HandleFailureSafelyAsync"/>).</summary>
    private Task SaveAsync() => Saved.SaveAsync(_loopCancellation?.Token ?? CancellationToken.None);

    private JobStatus Status() => Saved.Status();
}
