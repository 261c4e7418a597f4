namespace AudioGrains.Abstractions;

/// <summary>
/// A completed job's short-term loudness over time (EBU R128, 3 s window), before and after, for a chart: the input
/// as measured at its own rate and channels while it was decoded, and the output the encoder was given (the processed
/// signal through the job's one gain). Point i covers [i·<see cref="SecondsPerPoint"/>, (i+1)·<see cref="SecondsPerPoint"/>)
/// and holds the highest short-term value in it; the last point may cover less. Silence is −∞ LUFS (never NaN).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LoudnessSeries
{
    /// <summary>A whole number of 100 ms segments: 1 s for up to about an hour, more so that no series exceeds about 4000 points.</summary>
    [Id(0)] public double SecondsPerPoint { get; init; }

    [Id(1)] public double DurationSeconds { get; init; }

    /// <summary>LUFS per point; input and output may differ by a point in length (the decode rounds differently).</summary>
    [Id(2)] public double[] InputLufs { get; init; } = [];

    [Id(3)] public double[] OutputLufs { get; init; } = [];

    /// <summary>The gain between them, in dB: where the processing is linear, output = input + gain.</summary>
    [Id(4)] public double GainDb { get; init; }
}
