namespace AudioGrains.Abstractions;

/// <summary>Where a job is. The order is the order of the pipeline.</summary>
public enum JobPhase
{
    Queued = 0,
    Probing = 1,
    Decoding = 2,
    Processing = 3,
    Assembling = 4,

    /// <summary>Per-chunk statistics that must be global (the stationary noise profile), merged before processing.</summary>
    Analyzing = 5,

    /// <summary>Opus output: each chunk encodes its own stretch with pre-roll, in parallel; the segments are then joined.</summary>
    Encoding = 6,
    Completed = 10,
    Failed = 11,
    Cancelled = 12,
    Expired = 13,
}

public static class JobPhases
{
    public static bool IsTerminal(this JobPhase phase) => phase >= JobPhase.Completed;
}
