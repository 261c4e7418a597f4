using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>
/// The work of one phase of a job. A phase fills in the state it produces and returns how it ended; where the job goes
/// next is decided by <see cref="JobTransitions"/>, and the job grain persists the move. A phase may run again after a
/// crash or a failed try, so it redoes nothing that the store or the state says is done.
/// </summary>
public interface IJobPhase
{
    JobPhase Phase { get; }

    Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct);
}
