namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The cepstro-temporal smoother behind the <c>speech</c> mode's a-priori SNR: a steady spectrum passes unchanged (but
/// for the bias), a one-frame outlier in a single bin (musical noise) is averaged away, and a harmonic comb that appears
/// is followed in the frame it appears, its pitch found at the right quefrency.
/// </summary>
public class CepstralSmootherTests
{
    private const int Bins = 513, Rate = 16000;
    private static readonly int Padded = SpeechEnhancer.PaddedLength(Bins);
    private static readonly SpeechEnhancerOptions NoBias = SpeechEnhancerOptions.Defaults with { CepstralBiasDb = 0 };

    private static float[] Tilt() => Enumerable.Range(0, Padded).Select(k => (float)(1e-3 * Math.Exp(-k / 200.0))).ToArray();

    /// <summary>The tilt with harmonics of <paramref name="f0"/> (Gaussian lines one bin wide, 20 dB over it).</summary>
    private static float[] Comb(double f0)
    {
        var power = Tilt();
        var spacing = f0 / (Rate / 1024.0);
        for (var k = 0; k < Bins; k++)
        {
            var nearest = Math.Round(k / spacing) * spacing;
            if (nearest > 0) power[k] *= (float)(1 + 99 * Math.Exp(-Math.Pow(k - nearest, 2) / 2));
        }
        return power;
    }

    [Fact]
    public void A_steady_spectrum_passes_unchanged_and_the_bias_scales_it()
    {
        foreach (var (options, factor) in new[] { (NoBias, 1.0), (SpeechEnhancerOptions.Defaults, Math.Pow(10, SpeechEnhancerOptions.Defaults.CepstralBiasDb / 10)) })
        {
            var smoother = new CepstralSmoother(options, Bins, Rate, SpeechEnhancerOptions.ReferenceFrameSeconds);
            var power = Tilt();
            var output = new float[Padded];
            for (var f = 0; f < 20; f++) smoother.Step(power, output);
            for (var k = 0; k < Bins; k++) Assert.Equal(power[k] * factor, output[k], power[k] * factor * 1e-4);
        }
    }

    [Fact]
    public void A_one_frame_outlier_in_one_bin_is_averaged_away()
    {
        var smoother = new CepstralSmoother(NoBias, Bins, Rate, SpeechEnhancerOptions.ReferenceFrameSeconds);
        var output = new float[Padded];
        for (var f = 0; f < 20; f++) smoother.Step(Tilt(), output);
        var outlier = Tilt();
        outlier[300] *= 100; // 20 dB for one frame: a spectral peak of residual noise (measured: 3.3 dB left)
        smoother.Step(outlier, output);
        var rise = 10 * Math.Log10(output[300] / Tilt()[300]);
        Assert.True(rise < 5, $"the outlier stood {rise:F1} dB over the steady spectrum after smoothing (20 dB before)");
        Assert.Equal(0, smoother.LastPitchQuefrency); // no pitch in a single line
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_harmonic_comb_is_followed_in_the_frame_it_appears_thanks_to_the_pitch_peak(bool pitchSelective)
    {
        // Without the pitch peak's own weight (the pitch smoothed as every other quefrency), the comb would come late.
        var options = pitchSelective ? NoBias : NoBias with { CepstralPitchSmoothing = NoBias.CepstralSmoothing };
        var smoother = new CepstralSmoother(options, Bins, Rate, SpeechEnhancerOptions.ReferenceFrameSeconds);
        var output = new float[Padded];
        for (var f = 0; f < 20; f++) smoother.Step(Tilt(), output);
        var comb = Comb(200);
        smoother.Step(comb, output);
        Assert.InRange(smoother.LastPitchQuefrency, Rate / 200 - 1, Rate / 200 + 1);
        // Harmonics 2..15 (400-3000 Hz), mean loss against their level (measured: 5.0 dB with the pitch's weight, 11.8 dB without).
        var losses = Enumerable.Range(2, 14).Select(h => (int)Math.Round(h * 200 / (Rate / 1024.0))).Select(k => 10 * Math.Log10(comb[k] / output[k])).ToArray();
        if (pitchSelective) Assert.True(losses.Average() < 6, $"harmonics {losses.Average():F1} dB under their level");
        else Assert.True(losses.Average() > 10, $"harmonics {losses.Average():F1} dB under their level");
    }
}
