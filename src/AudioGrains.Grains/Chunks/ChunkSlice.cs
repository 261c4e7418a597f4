namespace AudioGrains.Grains.Chunks;

/// <summary>One chunk of a job's working PCM (float32 interleaved): which frames it owns and where its outputs go.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkSlice
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required int Index { get; init; }

    /// <summary>Blob key of the job's working PCM.</summary>
    [Id(2)] public required string PcmKey { get; init; }

    /// <summary>Blob key prefix of this chunk's outputs (samples, statistics, analysis results).</summary>
    [Id(3)] public required string OutputKey { get; init; }

    [Id(4)] public required long StartFrame { get; init; }
    [Id(5)] public required int Frames { get; init; }
    [Id(6)] public required int SampleRate { get; init; }
    [Id(7)] public required int Channels { get; init; }

    /// <summary>Frames of the whole working signal (the STFT pads with zeros only at its true ends).</summary>
    [Id(8)] public required long TotalFrames { get; init; }

    [Id(9)] public double? HighPassHz { get; init; }

    /// <summary>Shared by every log line of the job, across silos and retries.</summary>
    [Id(10)] public string CorrelationId { get; init; } = "";
}
