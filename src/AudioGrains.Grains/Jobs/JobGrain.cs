using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The owner of one job: its lifecycle, its reminder, the life of the loop that runs its phases, the public calls,
/// persistence and what ends the job. The loop's order of work and its answer to a failed try are
/// <see cref="PhaseLoop"/>'s; the work itself is in the phases (<see cref="IJobPhase"/>); where the job goes next is
/// decided by <see cref="JobTransitions"/>. The loop runs in the background (never inside a grain call, so status stays
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

    private Task? _loop;
    private CancellationTokenSource? _loopCancellation;
    private IGrainTimer? _keepAlive;

    private SavedJobState? _saved;
    private PhaseLoop? _phaseLoop;

    /// <summary>Made on first use: the grain's key is not known in its constructor's field initialisers.</summary>
    private SavedJobState Saved => _saved ??= new(state, JobId, silo.Name, options.Value, logger);

    private PhaseLoop Loop => _phaseLoop ??= new(JobId, Saved, phases, Run, MoveAsync, FailAsync, observer, options.Value, logger);

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
        // The lazy check: a job past its expiry answers expired, and one past its record's retention as unknown,
        // whether or not its reminder or timer has fired.
        if (Exists && Lifetime.IsStepDue(S, DateTimeOffset.UtcNow)) await StepSafelyAsync();
        return Status();
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!Exists || S.Phase.IsTerminal()) return Status();
        // The loop's passes wait for their chunk calls to stop before this goes on, so what they wrote is deleted below.
        await StopLoopAsync();
        var from = S.Phase;
        await Lifetime.CancelAsync(S);
        await WriteAsync();
        await UnregisterPulseAsync();
        StartSweep();
        observer.PhaseChanged(JobId, from, JobPhase.Cancelled);
        logger.LogInformation("Job {JobId} cancelled", JobId);
        await EndedAsync();
        return Status();
    }

    public async Task<byte[]> ReadOutputAsync(long offset, int count, CancellationToken ct)
    {
        if (Exists && Lifetime.IsStepDue(S, DateTimeOffset.UtcNow)) await StepSafelyAsync();
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
        try
        {
            await Loop.RunAsync(ct);
        }
        finally
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }

    private JobRun Run() => new(JobId, S, Workspace, new GrainWorkDispatcher(GrainFactory), fanOut, observer, SaveAsync);

    /// <summary>Persists the move to the next phase; a completed job keeps only its output.</summary>
    private async Task MoveAsync(JobPhase from, JobPhase to)
    {
        JobTransitions.Enter(S, to);
        if (to == JobPhase.Completed) Lifetime.StampCompletion(S);
        await SaveAsync();
        observer.PhaseChanged(JobId, from, to);
        if (to != JobPhase.Completed) return;
        await Workspace.DeleteIntermediatesAsync();
        await UnregisterPulseAsync();
        await EndedAsync();
    }

    /// <summary>Ends the job as failed, dead-lettered or not (what each keeps: <see cref="JobLifetime.FailAsync"/>).</summary>
    private async Task FailAsync(string code, string message, bool deadLetter)
    {
        var from = S.Phase;
        await Lifetime.FailAsync(S, code, message, deadLetter);
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

    /// <summary>The loop's save: tried again until the store answers; a failure is the store's, not the phase's (<see cref="PhaseLoop"/>).</summary>
    private Task SaveAsync() => Saved.SaveAsync(_loopCancellation?.Token ?? CancellationToken.None);

    private JobStatus Status() => Saved.Status();
}
