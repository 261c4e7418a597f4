namespace AudioGrains.Grains.Chunks;

/// <summary>
/// One chunk's share of the analysis that stationary noise reduction needs before any chunk is processed: first the
/// per-bin maxima (the gate's dB floor) of the signal and of the noise source, then the noise source's statistics.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AnalyzeWork
{
    [Id(0)] public required ChunkSlice Chunk { get; init; }
    [Id(1)] public required AnalysisStep Step { get; init; }
    [Id(2)] public required GateSpec Gate { get; init; }

    /// <summary>Frames of the noise clip within the input (null: the whole input is the noise source).</summary>
    [Id(3)] public long? NoiseClipStartFrame { get; init; }

    [Id(4)] public long? NoiseClipEndFrame { get; init; }

    /// <summary>Noise step: blob key of the noise source's merged maxima (its dB floor).</summary>
    [Id(5)] public string? NoiseMaximaKey { get; init; }
}

public enum AnalysisStep
{
    /// <summary>Per-bin maximum power of the signal and of the noise clip.</summary>
    Maxima = 1,

    /// <summary>Per-bin noise statistics of the noise clip (or the whole signal), floored with the merged maxima.</summary>
    Noise = 2,
}
