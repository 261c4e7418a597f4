using System.Numerics;

namespace AudioGrains.Dsp;

/// <summary>
/// A second-order section with a0 normalised to 1: y = b0·x + b1·x1 + b2·x2 − a1·y1 − a2·y2.
/// </summary>
public readonly record struct BiquadCoefficients(double B0, double B1, double B2, double A1, double A2)
{
    /// <summary>Stage 1 of K-weighting: the high-frequency shelf modelling the head (+4 dB), from <see cref="KWeightingPrototype"/>.</summary>
    public static BiquadCoefficients KWeightingShelf(double sampleRate)
    {
        RequirePositive(sampleRate);
        var k = Math.Tan(Math.PI * KWeightingPrototype.ShelfFrequency / sampleRate);
        var vh = Math.Pow(10, KWeightingPrototype.ShelfGainDb / 20);
        var vb = Math.Pow(vh, KWeightingPrototype.ShelfBandGainExponent);
        var a0 = 1 + k / KWeightingPrototype.ShelfQ + k * k;
        return new BiquadCoefficients(
            (vh + vb * k / KWeightingPrototype.ShelfQ + k * k) / a0,
            2 * (k * k - vh) / a0,
            (vh - vb * k / KWeightingPrototype.ShelfQ + k * k) / a0,
            2 * (k * k - 1) / a0,
            (1 - k / KWeightingPrototype.ShelfQ + k * k) / a0);
    }

    /// <summary>
    /// Stage 2 of K-weighting: the RLB high-pass. The numerator stays [1, −2, 1] unnormalised, as in
    /// the ITU table; the −0.691 dB loudness offset is calibrated against exactly this filter.
    /// </summary>
    public static BiquadCoefficients KWeightingHighPass(double sampleRate)
    {
        RequirePositive(sampleRate);
        var k = Math.Tan(Math.PI * KWeightingPrototype.HighPassFrequency / sampleRate);
        var a0 = 1 + k / KWeightingPrototype.HighPassQ + k * k;
        return new BiquadCoefficients(1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / KWeightingPrototype.HighPassQ + k * k) / a0);
    }

    /// <summary>
    /// Second-order Butterworth high-pass (Q = 1/√2) by the bilinear transform, prewarped so the
    /// response is exactly −3.01 dB at <paramref name="cutoffHz"/>.
    /// </summary>
    public static BiquadCoefficients ButterworthHighPass(double sampleRate, double cutoffHz)
    {
        RequirePositive(sampleRate);
        if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2))
            throw new ArgumentOutOfRangeException(nameof(cutoffHz), cutoffHz, "Cutoff must lie between 0 and Nyquist.");
        var k = Math.Tan(Math.PI * cutoffHz / sampleRate);
        var a0 = 1 + Math.Sqrt(2) * k + k * k;
        var b0 = 1 / a0;
        return new BiquadCoefficients(b0, -2 * b0, b0, 2 * (k * k - 1) / a0, (1 - Math.Sqrt(2) * k + k * k) / a0);
    }

    /// <summary>|H(e^{jω})| at <paramref name="frequencyHz"/>: what a steady sine at that frequency is multiplied by.</summary>
    public double MagnitudeAt(double frequencyHz, double sampleRate)
    {
        var z1 = Complex.FromPolarCoordinates(1, -2 * Math.PI * frequencyHz / sampleRate); // z^-1
        var z2 = z1 * z1;
        return Complex.Abs((B0 + B1 * z1 + B2 * z2) / (1 + A1 * z1 + A2 * z2));
    }

    private static void RequirePositive(double sampleRate)
    {
        if (!(sampleRate > 0 && double.IsFinite(sampleRate)))
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be positive.");
    }
}
