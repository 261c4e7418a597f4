namespace AudioGrains.Abstractions;

/// <summary>One chunk's work order: which frames of the job's working PCM to process, with how much context.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkWork
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public int Index { get; init; }

    /// <summary>Blob key of the job's working PCM (float32 interleaved).</summary>
    [Id(2)] public required string PcmKey { get; init; }

    /// <summary>Blob key prefix for this chunk's outputs (processed PCM and statistics).</summary>
    [Id(3)] public required string OutputKey { get; init; }
    [Id(4)] public long StartFrame { get; init; }
    [Id(5)] public int Frames { get; init; }

    /// <summary>Frames before the start read only to settle filter state (never written).</summary>
    [Id(6)] public int PreRollFrames { get; init; }
    [Id(7)] public int SampleRate { get; init; }
    [Id(8)] public int Channels { get; init; }
    [Id(9)] public double? HighPassHz { get; init; }
    [Id(10)] public IReadOnlyList<double> ChannelWeights { get; init; } = [];
    [Id(11)] public string CorrelationId { get; init; } = "";
}

/// <summary>What a chunk grain answers: small. The chunk's statistics and samples are in the blob store.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkOutcome
{
    [Id(0)] public int Index { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public double ElapsedSeconds { get; init; }

    /// <summary>True when the outputs were already there (a retried call) and nothing was recomputed.</summary>
    [Id(3)] public bool Reused { get; init; }
}
