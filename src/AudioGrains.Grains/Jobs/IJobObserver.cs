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

    /// <summary>A new job was created and saved (not told again for a repeated start).</summary>
    void Started(JobStatus status)
    {
    }

    /// <summary>The job's loop starts running on this silo: at its start, and when it resumes here after a crash or a move.</summary>
    void Running(string jobId)
    {
    }

    /// <summary>The job's loop stopped on this silo: it ended, or the silo let the job go.</summary>
    void Stopped(string jobId)
    {
    }

    /// <summary>The job ended: completed, failed (dead-lettered or not) or cancelled; its status as saved.</summary>
    void Ended(JobStatus status, bool deadLettered)
    {
    }

    /// <summary>Nothing of the job is left: it was deleted, or its expired record was forgotten. Its status just before.</summary>
    void Forgotten(JobStatus status)
    {
    }
}
