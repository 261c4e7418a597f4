namespace AudioGrains.Dsp;

/// <summary>
/// A second-order section in trapezoidal (topology-preserving) state-variable form: the bilinear
/// transform, prewarped at f0, of an analog prototype
/// H(s) = (cHigh·s² + cBand·s/Q + cLow) / (s² + s/Q + 1), s normalised to f0. Same transfer function
/// as the corresponding biquad, better numbers.
/// </summary>
/// <remarks>
/// Why not direct form: the K-weighting high-pass has a double pole 0.5 % from z = 1, and a direct
/// form recursion y = 2y₁ − y₂ + … amplifies its own rounding noise to about 1e-13 of the signal, so
/// a chunk warmed on pre-roll and the whole-file pass keep disagreeing at that level for seconds. Here
/// the two integrator states are updated by small increments (coupling g = tan(π·f0/fs)), the noise
/// stays near 1e-16, and a warmed run becomes bit-identical to the whole-file run within about 0.3 s.
/// Per sample, with k = 1/Q and a1 = 1 / (1 + g(g + k)), a2 = g·a1:
/// d = x − s2; band = a2·d + a1·s1; low = s2 + g·band; high = d − (g + k)·band;
/// s1 ← 2·band − s1; s2 ← s2 + 2g·band; y = cHigh·high + cBand·k·band + cLow·low.
/// The updates are fused multiply-adds (three dependent operations per sample); every platform
/// .NET runs on rounds them identically.
/// </remarks>
public readonly record struct StateVariableSection(double G, double K, double A1, double A2, double CHigh, double CBandK, double CLow)
{
    public static StateVariableSection FromPrototype(double sampleRate, double f0, double q, double cHigh, double cBand, double cLow)
    {
        if (!(sampleRate > 0 && f0 > 0 && f0 < sampleRate / 2))
            throw new ArgumentOutOfRangeException(nameof(f0), f0, "Corner frequency must lie between 0 and Nyquist.");
        var g = Math.Tan(Math.PI * f0 / sampleRate);
        var k = 1 / q;
        var a1 = 1 / (1 + g * (g + k));
        return new StateVariableSection(g, k, a1, g * a1, cHigh, cBand * k, cLow);
    }

    /// <summary>Stage 1 of K-weighting, the shelf: Vh·high + Vb·band + low (<see cref="BiquadCoefficients.KWeightingShelf"/> in this form).</summary>
    public static StateVariableSection KWeightingShelf(double sampleRate)
    {
        var vh = Math.Pow(10, KWeightingPrototype.ShelfGainDb / 20);
        var vb = Math.Pow(vh, KWeightingPrototype.ShelfBandGainExponent);
        return FromPrototype(sampleRate, KWeightingPrototype.ShelfFrequency, KWeightingPrototype.ShelfQ, vh, vb, 1);
    }

    /// <summary>
    /// Stage 2 of K-weighting, the RLB high-pass. The ITU numerator [1, −2, 1] is not divided by
    /// a0 = 1 + g/Q + g², so the high output is scaled by a0 to stay the same filter.
    /// </summary>
    public static StateVariableSection KWeightingHighPass(double sampleRate)
    {
        var g = Math.Tan(Math.PI * KWeightingPrototype.HighPassFrequency / sampleRate);
        var a0 = 1 + g / KWeightingPrototype.HighPassQ + g * g;
        return FromPrototype(sampleRate, KWeightingPrototype.HighPassFrequency, KWeightingPrototype.HighPassQ, a0, 0, 0);
    }

    /// <summary>Second-order Butterworth high-pass (Q = 1/√2): <see cref="BiquadCoefficients.ButterworthHighPass"/> in this form.</summary>
    public static StateVariableSection ButterworthHighPass(double sampleRate, double cutoffHz)
        => FromPrototype(sampleRate, cutoffHz, 1 / Math.Sqrt(2), 1, 0, 0);
}
