using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Every <see cref="IJobObserver"/> the silo registered, told in turn. One that throws is logged and skipped: a
/// listener's bug must not stop the job or keep the others from hearing.
/// </summary>
public sealed class JobObservers(IEnumerable<IJobObserver> observers, ILogger<JobObservers> logger) : IJobObserver
{
    private readonly IJobObserver[] _observers = observers.ToArray();

    public void PhaseChanged(string jobId, JobPhase from, JobPhase to) =>
        Tell(jobId, nameof(PhaseChanged), o => o.PhaseChanged(jobId, from, to));

    public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome) =>
        Tell(jobId, nameof(WorkCompleted), o => o.WorkCompleted(jobId, kind, outcome));

    public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error) =>
        Tell(jobId, nameof(TryFailed), o => o.TryFailed(jobId, phase, item, attempt, error));

    public void Started(JobStatus status) => Tell(status.JobId, nameof(Started), o => o.Started(status));

    public void Running(string jobId) => Tell(jobId, nameof(Running), o => o.Running(jobId));

    public void Stopped(string jobId) => Tell(jobId, nameof(Stopped), o => o.Stopped(jobId));

    public void Ended(JobStatus status, bool deadLettered) => Tell(status.JobId, nameof(Ended), o => o.Ended(status, deadLettered));

    public void Forgotten(JobStatus status) => Tell(status.JobId, nameof(Forgotten), o => o.Forgotten(status));

    private void Tell(string jobId, string call, Action<IJobObserver> tell)
    {
        foreach (var observer in _observers)
        {
            try
            {
                tell(observer);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job observer {Observer} failed in {Call} for job {JobId}", observer.GetType().Name, call, jobId);
            }
        }
    }
}
