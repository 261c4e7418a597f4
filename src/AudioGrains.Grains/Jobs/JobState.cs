using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The persisted state of a job: small on purpose (spec, phase, layout, bitmaps of completed chunks and segments,
/// counters, error, report). Large per-chunk data lives in the blob store.
/// </summary>
[GenerateSerializer]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobPhase Phase { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>What the probe found.</summary>
    [Id(4)] public MediaFacts? Media { get; set; }

    /// <summary>The input's loudness, measured at its own rate and channels while it was decoded.</summary>
    [Id(5)] public LoudnessReport? Input { get; set; }

    /// <summary>How the decoded job is cut up (null before the decode).</summary>
    [Id(6)] public JobLayout? Layout { get; set; }

    /// <summary>Which step of the analysis pass runs (or runs next).</summary>
    [Id(7)] public AnalysisStep AnalysisStep { get; set; } = AnalysisStep.Maxima;

    /// <summary>Chunks the current chunk pass (an analysis step, or processing) has recorded complete.</summary>
    [Id(8)] public byte[] CompletedChunks { get; set; } = [];

    /// <summary>Opus segments the encode pass has recorded complete.</summary>
    [Id(9)] public byte[] EncodedSegments { get; set; } = [];

    /// <summary>Failed tries of the current phase; reset when a phase completes.</summary>
    [Id(10)] public int Attempts { get; set; }
    [Id(11)] public string? ErrorCode { get; set; }
    [Id(12)] public string? ErrorMessage { get; set; }
    [Id(13)] public bool DeadLettered { get; set; }

    /// <summary>The phase a failed job failed in: an operator's retry resumes there.</summary>
    [Id(14)] public JobPhase? FailedIn { get; set; }

    [Id(15)] public JobReport? Report { get; set; }
    [Id(16)] public string? OutputKey { get; set; }

    /// <summary>Silos that did at least one chunk's or segment's work.</summary>
    [Id(17)] public List<string> WorkSilos { get; set; } = [];

    /// <summary>Seconds per pipeline step (decode, analyze, process, encode, assemble, measure_output).</summary>
    [Id(18)] public Dictionary<string, double> StepSeconds { get; set; } = [];

    /// <summary>The output's size, bytes, once written.</summary>
    [Id(19)] public long? OutputBytes { get; set; }

    /// <summary>When the ended job's blobs are deleted (see <see cref="JobLifetime"/>); null while it runs.</summary>
    [Id(20)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The W3C trace context of the request that created the job: its spans continue that trace after a crash too.</summary>
    [Id(21)] public string? TraceParent { get; set; }

    /// <summary>Ends the job as cancelled: it has no output.</summary>
    public void MarkCancelled(DateTimeOffset at)
    {
        Phase = JobPhase.Cancelled;
        ErrorCode = ErrorCodes.Cancelled;
        ErrorMessage = "the job was cancelled";
        CompletedAt = at;
        OutputKey = null;
    }

    /// <summary>Ends the job as failed in its current phase (where an operator's retry of a dead letter resumes).</summary>
    public void MarkFailed(string code, string message, bool deadLetter, DateTimeOffset at)
    {
        FailedIn = Phase;
        Phase = JobPhase.Failed;
        ErrorCode = code;
        ErrorMessage = message;
        DeadLettered = deadLetter;
        CompletedAt = at;
    }

    /// <summary>Forgets a failure, for an operator's retry.</summary>
    public void ClearFailure()
    {
        FailedIn = null;
        ErrorCode = null;
        ErrorMessage = null;
        DeadLettered = false;
        CompletedAt = null;
        ExpiresAt = null;
    }

    /// <summary>Ends the job's life: its blobs are gone, the record stays (with its expiry time, now past).</summary>
    public void MarkExpired()
    {
        Phase = JobPhase.Expired;
        OutputKey = null;
    }

    /// <summary>What the current pass has recorded complete, for the log line of a resumed job.</summary>
    public (string Unit, string Ranges, int Total) CompletedWork(string jobId)
    {
        var (unit, bitmap, count) = Phase == JobPhase.Encoding
            ? ("segments", EncodedSegments, Plan(jobId).Segments.Count)
            : ("chunks", CompletedChunks, Layout?.Chunks().Count ?? 0);
        return (unit, CompletionBitmap.Ranges(bitmap, count), count);
    }

    public JobPlan Plan(string jobId) => new(jobId, Spec!, Layout ?? throw new InvalidOperationException("the job is not laid out yet"));

    public void AddStepSeconds(string step, TimeSpan elapsed) => StepSeconds[step] = StepSeconds.GetValueOrDefault(step) + elapsed.TotalSeconds;
}

/// <summary>What the probe learned about the input that later steps need.</summary>
[GenerateSerializer, Immutable]
public sealed record MediaFacts
{
    [Id(0)] public required string FormatName { get; init; }
    [Id(1)] public double DurationSeconds { get; init; }
    [Id(2)] public int SampleRate { get; init; }
    [Id(3)] public int Channels { get; init; }
    [Id(4)] public string? ChannelLayout { get; init; }
    [Id(5)] public required string AudioCodec { get; init; }
    [Id(6)] public bool HasVideo { get; init; }
}
