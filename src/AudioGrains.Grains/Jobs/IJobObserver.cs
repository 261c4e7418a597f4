using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Hears what a job does, as it happens, on the silo that runs it: phase changes, each chunk or segment done, each
/// failed try. Calls must return at once (they run on the job's scheduler). A silo may register any number (tests,
/// completion callbacks, later metrics); the job tells them all through <see cref="JobObservers"/>.
/// </summary>
public interface IJobObserver
{
    void PhaseChanged(string jobId, JobPhase from, JobPhase to);

    void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome);

    /// <summary>A try failed: of one unit of work (<paramref name="item"/> set) or of a whole phase (null).</summary>
    void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error);
}
