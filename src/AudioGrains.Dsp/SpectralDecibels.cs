namespace AudioGrains.Dsp;

/// <summary>
/// noisereduce's spectrogram decibels: 20·log10(|X| + eps) with eps the double machine epsilon, so
/// an empty bin reads about −313 dB instead of −∞, floored per bin at its maximum over time − 80 dB.
/// </summary>
public static class SpectralDecibels
{
    /// <summary>numpy's float64 eps, 2^−52.</summary>
    public const double Epsilon = 2.220446049250313e-16;

    /// <summary>How far below its loudest frame a bin's dB is floored (librosa's top_db).</summary>
    public const double FloorRange = 80;

    /// <summary>20/ln 10: dB from a natural logarithm.</summary>
    internal const double PerNeper = 8.685889638065037;

    public static double FromMagnitude(double magnitude) => 20 * Math.Log10(magnitude + Epsilon);

    /// <summary>The floor of a bin whose loudest frame has power <paramref name="maxPower"/>.</summary>
    public static double Floor(double maxPower) => FromMagnitude(Math.Sqrt(maxPower)) - FloorRange;
}
