using System.Collections.Concurrent;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Cli;

/// <summary>
/// Tells the embedded CLI the moment a job of its own silo ends, so a waiting caller need not sleep out a poll
/// interval per job (for a batch of short clips that idle time was a large share of each job's wall time).
/// Polling stays the source of truth: this only cuts the wait short.
/// </summary>
public sealed class JobEndings : IJobObserver
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _endings = new();

    /// <summary>Completes when the job ends (or has ended since it was first asked for); forget it with <see cref="Forget"/>.</summary>
    public Task WhenEnded(string jobId) => Of(jobId).Task;

    public void Forget(string jobId) => _endings.TryRemove(jobId, out _);

    public void Ended(JobStatus status, bool deadLettered) => Of(status.JobId).TrySetResult();

    public void PhaseChanged(string jobId, JobPhase from, JobPhase to)
    {
    }

    public void WorkCompleted(string jobId, Grains.Chunks.WorkKind kind, Grains.Chunks.WorkOutcome outcome)
    {
    }

    public void TryFailed(string jobId, JobPhase phase, Grains.Chunks.WorkItem? item, int attempt, Exception error)
    {
    }

    private TaskCompletionSource Of(string jobId) =>
        _endings.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
