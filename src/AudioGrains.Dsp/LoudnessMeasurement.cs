namespace AudioGrains.Dsp;

/// <summary>What a loudness measurement reports; the dB values are −∞ for silence.</summary>
public readonly record struct LoudnessMeasurement(
    long Frames,
    int SampleRate,
    int Channels,
    double IntegratedLufs,
    double LoudnessRangeLu,
    double TruePeakDbtp,
    double SamplePeakDbfs)
{
    public double DurationSeconds => (double)Frames / SampleRate;
}
