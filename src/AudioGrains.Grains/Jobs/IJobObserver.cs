using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Hears what a job does, as it happens, on the silo that runs it: phase changes, each chunk or segment done, each
/// failed try. Calls must return at once (they run on the job's scheduler). The silo's default hears nothing;
/// tests and metrics register their own.
/// </summary>
public interface IJobObserver
{
    void PhaseChanged(string jobId, JobPhase from, JobPhase to);

    void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome);

    /// <summary>A try failed: of one unit of work (<paramref name="item"/> set) or of a whole phase (null).</summary>
    void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error);
}

public sealed class NoJobObserver : IJobObserver
{
    public void PhaseChanged(string jobId, JobPhase from, JobPhase to) { }

    public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome) { }

    public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error) { }
}
