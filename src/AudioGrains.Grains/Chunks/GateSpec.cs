using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Chunks;

/// <summary>The spectral stage of a job (noise reduction, voice isolation) as its chunks need it; made only by the planner, from the job's options.</summary>
[GenerateSerializer, Immutable]
public sealed record GateSpec
{
    [Id(0)] public required NoiseReduction Mode { get; init; }
    [Id(1)] public required double Strength { get; init; }
    [Id(2)] public required bool IsolateVoice { get; init; }

    /// <summary>Stereo working signal reduced to its mono centre (voice isolation with a mono output).</summary>
    [Id(3)] public required bool CentreExtraction { get; init; }

    [Id(4)] public required double ThresholdStd { get; init; }
    [Id(5)] public required double FreqSmoothHz { get; init; }
    [Id(6)] public required double TimeSmoothMs { get; init; }
}
