namespace AudioGrains.Testing;

/// <summary>
/// Scale-invariant signal-to-distortion ratio (Le Roux et al., "SDR – half-baked or well done?", 2019):
/// with both signals made zero-mean, the estimate is projected on the reference,
/// s_target = (⟨ŝ, s⟩ / ⟨s, s⟩)·s, and SI-SDR = 10·log10(|s_target|² / |ŝ − s_target|²) dB. A gain
/// on the estimate does not change it; noise left in, speech removed or distorted all lower it.
/// </summary>
public static class ScaleInvariantSdr
{
    /// <summary>SI-SDR of <paramref name="estimate"/> against <paramref name="reference"/> in dB (same length).</summary>
    public static double Of(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate) => Measure(reference, estimate).SdrDb;

    /// <summary>SI-SDR in dB and the projection's scale in dB (20·log10 of ⟨ŝ, s⟩ / ⟨s, s⟩: how much the speech in the estimate was lowered or raised).</summary>
    public static (double SdrDb, double ScaleDb) Measure(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate)
    {
        if (reference.Length != estimate.Length) throw new ArgumentException($"Lengths differ: {reference.Length} and {estimate.Length}.");
        double meanS = 0, meanE = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            meanS += reference[i];
            meanE += estimate[i];
        }
        meanS /= reference.Length;
        meanE /= reference.Length;
        double ss = 0, se = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var s = reference[i] - meanS;
            ss += s * s;
            se += s * (estimate[i] - meanE);
        }
        var alpha = se / ss;
        double target = 0, error = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var t = alpha * (reference[i] - meanS);
            var d = estimate[i] - meanE - t;
            target += t * t;
            error += d * d;
        }
        return (10 * Math.Log10(target / error), 20 * Math.Log10(Math.Abs(alpha)));
    }
}
