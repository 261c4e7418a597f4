namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The job's own state could not be saved: its store is down, or the write conflicted with a stale writer. Nothing is
/// wrong with the phase that was running, so it does not count as one of the phase's tries.
/// </summary>
public sealed class JobStateUnavailableException(Exception inner) : Exception("the job's state could not be saved", inner);
