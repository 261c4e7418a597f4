namespace AudioGrains.Grains.Chunks;

/// <summary>What a chunk or segment grain answers: small. Its results are in the blob store.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkOutcome
{
    [Id(0)] public required int Index { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public double ElapsedSeconds { get; init; }

    /// <summary>True when the outputs were already there (a repeated call) and nothing was recomputed.</summary>
    [Id(3)] public bool Reused { get; init; }
}
