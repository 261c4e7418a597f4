namespace AudioGrains.Abstractions;

/// <summary>A measurement of one signal. Loudness values are -infinity for silence.</summary>
[GenerateSerializer, Immutable]
public sealed record LoudnessReport
{
    [Id(0)] public double DurationSeconds { get; init; }
    [Id(1)] public int SampleRate { get; init; }
    [Id(2)] public int Channels { get; init; }
    [Id(3)] public double IntegratedLufs { get; init; }
    [Id(4)] public double LoudnessRangeLu { get; init; }
    [Id(5)] public double TruePeakDbtp { get; init; }
    [Id(6)] public double SamplePeakDbfs { get; init; }
}
