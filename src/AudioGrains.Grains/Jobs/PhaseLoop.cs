using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Grains.Storage;
using AudioGrains.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The loop that runs a job's phases on one silo until the job ends or the silo stops it: each phase in turn, the move
/// it ends with (<see cref="JobTransitions"/>) handed to the grain to persist, and a failed try answered by the
/// <see cref="FailurePolicy"/> (fail, dead-letter, or wait and try the phase again). The grain owns the loop's life (it
/// starts it from activation or the reminder, keeps the activation alive, stops it) and what ends the job (its
/// reminders); this owns the order of the work. A plain class, so that tests can fail a phase without a cluster.
/// </summary>
/// <param name="run">What each phase works with, made for each phase it runs.</param>
/// <param name="move">Persists the move from one phase to the next (and ends a completed job).</param>
/// <param name="fail">Ends the job as failed: code, message, whether it is dead-lettered.</param>
/// <param name="logger">The grain's: the job's log lines keep their category.</param>
public sealed class PhaseLoop(string jobId, SavedJobState saved, IEnumerable<IJobPhase> phases, Func<JobRun> run,
    Func<JobPhase, JobPhase, Task> move, Func<string, string, bool, Task> fail, IJobObserver observer, ProcessingOptions options, ILogger logger)
{
    private readonly Dictionary<JobPhase, IJobPhase> _phases = phases.ToDictionary(p => p.Phase);

    /// <summary>The loop's wait for the blob store while a phase meets its outage; reset when a phase moves on.</summary>
    private readonly OutageWait _storageOutage = new();

    private JobState S => saved.State;

    public async Task RunAsync(CancellationToken ct)
    {
        await Task.Yield();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId, ["CorrelationId"] = S.Spec?.CorrelationId ?? "" });
        // The job's span continues the trace of the request that submitted it, on whichever silo the job runs.
        using var span = JobTrace.Start(jobId, S.TraceParent);
        observer.Running(jobId);
        try
        {
            while (saved.Exists && !S.Phase.IsTerminal() && !ct.IsCancellationRequested)
            {
                var from = S.Phase;
                try
                {
                    using var phaseSpan = from == JobPhase.Queued ? null : JobTrace.StartPhase(from);
                    var outcome = from == JobPhase.Queued ? PhaseOutcome.Done : await _phases[from].RunAsync(run(), ct);
                    _storageOutage.Reset();
                    await move(from, JobTransitions.Next(from, outcome, S));
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
            observer.Stopped(jobId);
        }
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
            if (e is JobStateUnavailableException) await saved.WaitForStoreAsync(e, ct);
            else await HandleFailureAsync(e, ct);
        }
        catch (Exception stateError) when (!ct.IsCancellationRequested)
        {
            await saved.WaitForStoreAsync(stateError, ct);
        }
    }

    /// <summary>Applies the <see cref="FailurePolicy"/>: fail, dead-letter, or wait and let the loop try the phase again.</summary>
    private async Task HandleFailureAsync(Exception e, CancellationToken ct)
    {
        if (StorageOutage.Is(e) && _storageOutage.Next(options) is { } wait)
        {
            // Not a try of the phase: the loop runs it again, from its last checkpoint, once the store answers.
            if (_storageOutage.Failures == 1)
                logger.LogWarning("Job {JobId} waits for the blob store in phase {Phase} ({ErrorMessage}); trying again every {MaxDelayS:F0} s at most for up to {ToleranceS:F0} s",
                    jobId, S.Phase, e.Message, options.StateRetryMaxDelay.TotalSeconds, options.StorageOutageTolerance.TotalSeconds);
            else
                logger.LogDebug("Job {JobId} waits {DelayMs:F0} ms for the blob store ({Failures} failures in a row)", jobId, wait.TotalMilliseconds, _storageOutage.Failures);
            await Task.Delay(wait, ct);
            return;
        }
        var attempt = S.Attempts + 1;
        var decision = FailurePolicy.Decide(e, S.Phase, attempt, options);
        observer.TryFailed(jobId, S.Phase, null, attempt, e);
        if (decision.Action != FailureAction.Fail) S.Attempts = attempt;
        switch (decision.Action)
        {
            case FailureAction.Fail:
                logger.LogWarning("Job {JobId} failed in phase {Phase}: {ErrorCode}: {ErrorMessage}", jobId, S.Phase, decision.Code, decision.Message);
                await fail(decision.Code, decision.Message, false);
                break;
            case FailureAction.DeadLetter:
                logger.LogError(e, "Job {JobId} dead-lettered in phase {Phase} after {Attempts} attempts: {ErrorCode}: {ErrorMessage}",
                    jobId, S.Phase, S.Attempts, decision.Code, e.Message);
                await fail(decision.Code, decision.Message, true);
                break;
            default:
                logger.LogWarning("Job {JobId} phase {Phase} failed (attempt {Attempt}), retrying in {DelayMs:F0} ms: {ErrorCode}: {ErrorMessage}",
                    jobId, S.Phase, S.Attempts, decision.Delay.TotalMilliseconds, decision.Code, e.Message);
                await saved.SaveAsync(ct);
                await Task.Delay(decision.Delay, ct);
                break;
        }
    }
}
