namespace AudioGrains.Abstractions;

/// <summary>Where a job is, in the order of the pipeline; the terminal phases come last.</summary>
public enum JobPhase
{
    Queued = 0,
    Probing = 1,
    Decoding = 2,

    /// <summary>Per-chunk statistics that must be global (the stationary noise profile), merged before processing.</summary>
    Analyzing = 3,
    Processing = 4,

    /// <summary>Opus output: segments of the output encoded in parallel, each with pre-roll, to be joined.</summary>
    Encoding = 5,
    Assembling = 6,
    Completed = 10,
    Failed = 11,
    Cancelled = 12,
    Expired = 13,
}

public static class JobPhases
{
    public static bool IsTerminal(this JobPhase phase) => phase >= JobPhase.Completed;
}
