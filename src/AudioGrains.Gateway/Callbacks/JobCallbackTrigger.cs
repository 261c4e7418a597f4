using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// Hears a job complete or fail (not cancelled: the canceller knows) and asks its <see cref="IJobCallbackGrain"/> to
/// deliver; hears a job with a callback forgotten (deleted by any caller, or its expired record's retention past) and
/// has the callback forget its saved message too. It does not wait: observers run on the job's scheduler and must
/// return at once. The callback grain reads the job's status itself, so jobs without a callback URL cost one short call.
/// </summary>
public sealed class JobCallbackTrigger(IGrainFactory grains, ILogger<JobCallbackTrigger> logger) : IJobObserver
{
    public void PhaseChanged(string jobId, JobPhase from, JobPhase to)
    {
        if (to is JobPhase.Completed or JobPhase.Failed) _ = RequestAsync(jobId);
    }

    public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome) { }

    public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error) { }

    public void Forgotten(JobStatus status)
    {
        if (status.CallbackUrl is not null) _ = ForgetAsync(status.JobId);
    }

    private async Task RequestAsync(string jobId)
    {
        try
        {
            await grains.GetGrain<IJobCallbackGrain>(jobId).RequestAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} callback could not be requested", jobId);
        }
    }

    private async Task ForgetAsync(string jobId)
    {
        try
        {
            await grains.GetGrain<IJobCallbackGrain>(jobId).ForgetAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} callback could not be forgotten with its job; its saved message stays", jobId);
        }
    }
}
