using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The persisted state of a job: small on purpose (spec, phase, plan, a bitmap of completed chunks,
/// counters, error, report). Large per-chunk data lives in the blob store.
/// </summary>
[GenerateSerializer]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobPhase Phase { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(4)] public MediaFacts? Media { get; set; }
    [Id(5)] public LoudnessReport? Input { get; set; }
    [Id(6)] public int WorkSampleRate { get; set; }
    [Id(7)] public int WorkChannels { get; set; }
    [Id(8)] public long TotalFrames { get; set; }
    [Id(9)] public int ChunkFrames { get; set; }
    [Id(10)] public int GridFrames { get; set; }
    [Id(11)] public byte[] CompletedChunks { get; set; } = [];
    [Id(12)] public int Attempts { get; set; }
    [Id(13)] public string? ErrorCode { get; set; }
    [Id(14)] public string? ErrorMessage { get; set; }
    [Id(15)] public JobReport? Report { get; set; }
    [Id(16)] public List<string> ChunkSilos { get; set; } = [];
    [Id(17)] public Dictionary<string, double> StepSeconds { get; set; } = [];
    [Id(18)] public bool DeadLettered { get; set; }
    [Id(19)] public string? OutputKey { get; set; }
    [Id(20)] public double[] ChannelWeights { get; set; } = [];

    /// <summary>1: per-bin maxima; 2: noise statistics (stationary noise reduction only).</summary>
    [Id(21)] public int AnalysisPass { get; set; }

    /// <summary>Channels of the processed output: the working channels, or 1 when the centre is extracted from stereo.</summary>
    [Id(22)] public int OutputChannels { get; set; }

    [Id(23)] public long? NoiseClipStartFrame { get; set; }

    [Id(24)] public long? NoiseClipEndFrame { get; set; }

    /// <summary>
    /// Frames per Opus segment, fixed when the encoding starts (so a silo with other settings joins the same
    /// segments). Segments start on multiples of it, whatever the chunk size.
    /// </summary>
    [Id(25)] public int EncodeSegmentFrames { get; set; }

    /// <summary>The phase a dead-lettered job failed in: an operator's retry resumes there.</summary>
    [Id(26)] public JobPhase? FailedIn { get; set; }

    public void ResetChunkProgress(int count) => CompletedChunks = new byte[(count + 7) / 8];

    public bool IsChunkComplete(int index) => (CompletedChunks[index >> 3] & (1 << (index & 7))) != 0;

    public void MarkChunkComplete(int index) => CompletedChunks[index >> 3] |= (byte)(1 << (index & 7));

    public int CompletedChunkCount()
    {
        var count = 0;
        foreach (var b in CompletedChunks) count += System.Numerics.BitOperations.PopCount(b);
        return count;
    }
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
