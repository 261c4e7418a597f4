namespace AudioGrains.Dsp;

/// <summary>Amplitude ratios in decibels (20·log10); zero is −∞ dB.</summary>
public static class Decibels
{
    public static double FromAmplitude(double linear) => 20 * Math.Log10(Math.Abs(linear));

    public static double ToAmplitude(double db) => Math.Pow(10, db / 20);
}
