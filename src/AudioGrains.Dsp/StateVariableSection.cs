namespace AudioGrains.Dsp;

/// <summary>
/// Coefficients of a second-order section in trapezoidal (topology-preserving) state-variable form:
/// the bilinear transform, prewarped at f0, of an analog prototype
/// H(s) = (cHigh·s² + cBand·(s/Q) + cLow) / (s² + s/Q + 1), with s normalised to f0.
/// </summary>
/// <remarks>
/// Why not direct form: the K-weighting high-pass has a double pole 0.5 % from z = 1, and a direct
/// form recursion y = 2y₁ − y₂ + … amplifies its own rounding noise to about 1e-13 of the signal;
/// two runs that start from different states (a chunk warmed on pre-roll and the whole file) then
/// keep disagreeing at that level for seconds. The state-variable form integrates with the small
/// g = tan(π·f0/fs) as coupling, its noise stays near 1e-16, and a warmed run becomes bit-identical
/// to the whole-file run within about 0.3 s. Same transfer function as the biquad; per sample:
/// v3 = x − s2; v1 = a1·s1 + a2·v3; v2 = s2 + a2·s1 + a3·v3; s1 = 2v1 − s1; s2 = 2v2 − s2;
/// y = cHigh·(x − k·v1 − v2) + cBand·k·v1 + cLow·v2, with k = 1/Q.
/// </remarks>
public readonly record struct StateVariableSection(double A1, double A2, double A3, double K, double CHigh, double CBandK, double CLow)
{
    public static StateVariableSection FromPrototype(double sampleRate, double f0, double q, double cHigh, double cBand, double cLow)
    {
        var g = Math.Tan(Math.PI * f0 / sampleRate);
        var k = 1 / q;
        var a1 = 1 / (1 + g * (g + k));
        var a2 = g * a1;
        return new StateVariableSection(a1, a2, g * a2, k, cHigh, cBand * k, cLow);
    }

    /// <summary>Stage 1 of K-weighting: the shelf, Vh·high + Vb·band + low (BiquadCoefficients.KWeightingShelf in this form).</summary>
    public static StateVariableSection KWeightingShelf(double sampleRate)
    {
        var vh = Math.Pow(10, KWeightingPrototype.ShelfGainDb / 20);
        var vb = Math.Pow(vh, KWeightingPrototype.ShelfBandGainExponent);
        return FromPrototype(sampleRate, KWeightingPrototype.ShelfFrequency, KWeightingPrototype.ShelfQ, vh, vb, 1);
    }

    /// <summary>
    /// Stage 2 of K-weighting: the RLB high-pass. The ITU numerator [1, −2, 1] is not divided by
    /// a0 = 1 + g/Q + g², so the high output is scaled by a0 to stay the same filter.
    /// </summary>
    public static StateVariableSection KWeightingHighPass(double sampleRate)
    {
        var g = Math.Tan(Math.PI * KWeightingPrototype.HighPassFrequency / sampleRate);
        var a0 = 1 + g / KWeightingPrototype.HighPassQ + g * g;
        return FromPrototype(sampleRate, KWeightingPrototype.HighPassFrequency, KWeightingPrototype.HighPassQ, a0, 0, 0);
    }

    /// <summary>Second-order Butterworth high-pass (Q = 1/√2), BiquadCoefficients.ButterworthHighPass in this form.</summary>
    public static StateVariableSection ButterworthHighPass(double sampleRate, double cutoffHz)
        => FromPrototype(sampleRate, cutoffHz, 1 / Math.Sqrt(2), 1, 0, 0);
}
