namespace AudioGrains.Abstractions;

/// <summary>What a completed job did: the loudness before and after, and the one gain between them.</summary>
[GenerateSerializer, Immutable]
public sealed record JobReport
{
    [Id(0)] public required LoudnessReport Input { get; init; }
    [Id(1)] public required LoudnessReport Output { get; init; }
    [Id(2)] public double GainDb { get; init; }

    /// <summary>True when the true-peak ceiling kept the gain from reaching the target.</summary>
    [Id(3)] public bool PeakLimited { get; init; }
    [Id(4)] public int Chunks { get; init; }

    /// <summary>Silos that processed at least one chunk.</summary>
    [Id(5)] public IReadOnlyList<string> ChunkSilos { get; init; } = [];

    /// <summary>Seconds per pipeline step (decode, process, assemble, measure).</summary>
    [Id(6)] public IReadOnlyDictionary<string, double> StepSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Why the target was not applied, when it was not (silence, normalization off).</summary>
    [Id(7)] public string? Note { get; init; }
}
