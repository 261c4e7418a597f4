using System.Numerics;

namespace AudioGrains.Dsp.Tests;

/// <summary>The speech estimator's parts against exact references: E1, the LSA gain, the noise tracker's bias, no allocation per frame.</summary>
public class SpeechEstimatorTests
{
    [Fact]
    public void E1_matches_the_exact_integral()
    {
        var worst = 0.0;
        for (var x = 1e-6; x < 60; x *= 1.07)
        {
            var exact = ExactE1(x);
            var lanes = new float[Vector<float>.Count];
            Array.Fill(lanes, (float)x);
            var vector = ExponentialIntegral.E1(new Vector<float>(lanes))[0];
            var scalar = ExponentialIntegral.E1((float)x);
            // Absolute error under 1e-6 below 1 (A&S 5.1.53 plus float rounding of −ln x), relative under 1e-4 above.
            var error = x <= 1 ? Math.Abs(vector - exact) : Math.Abs(vector - exact) / exact;
            Assert.True(error < (x <= 1 ? 2e-6 : 1e-4), $"E1({x}) = {vector}, exact {exact}");
            Assert.True(Math.Abs(scalar - vector) <= 2e-6 * Math.Max(1, Math.Abs(exact)), $"scalar {scalar} vs vector {vector} at {x}");
            worst = Math.Max(worst, error);
        }
        Assert.True(worst > 0); // the approximation is one, not the exact function
    }

    [Theory]
    [InlineData(0.003162, 0.2)]
    [InlineData(0.003162, 1)]
    [InlineData(0.1, 1.5)]
    [InlineData(1, 2)]
    [InlineData(10, 12)]
    [InlineData(100, 80)]
    [InlineData(0.5, 30)]
    public void Lsa_gain_matches_the_formula_with_an_exact_E1(double priori, double posteriori)
    {
        var n = Vector<float>.Count;
        var xi = Enumerable.Repeat((float)priori, n).ToArray();
        var gamma = Enumerable.Repeat((float)posteriori, n).ToArray();
        var gain = new float[n];
        LogSpectralAmplitudeGain.Compute(xi, gamma, 0.01f, gain);
        var wiener = priori / (1 + priori);
        var exact = Math.Clamp(wiener * Math.Exp(0.5 * ExactE1(wiener * posteriori)), 0.01, 1);
        Assert.InRange(20 * Math.Log10(gain[0] / exact), -1e-3, 1e-3);
    }

    [Fact]
    public void Noise_tracker_is_unbiased_on_stationary_noise()
    {
        // Periodogram bins of Gaussian noise are exponential with the noise power as mean (here 2.5e-3).
        const float truth = 2.5e-3f;
        var bins = SpeechEnhancer.PaddedLength(64);
        var random = new Random(1);
        var noise = Enumerable.Repeat(truth * 10, bins).ToArray(); // a bad start: 10 dB too high
        var smoothed = new float[bins];
        var presence = new float[bins];
        var power = new float[bins];
        var constants = SpeechPresenceNoiseTracker.Constants.From(SpeechEnhancerOptions.Defaults);
        double sum = 0;
        var count = 0;
        for (var frame = 0; frame < 4000; frame++)
        {
            for (var k = 0; k < bins; k++) power[k] = (float)(-truth * Math.Log(1 - random.NextDouble()));
            SpeechPresenceNoiseTracker.Update(power, noise, smoothed, presence, constants);
            if (frame < 200) continue;
            foreach (var v in noise) sum += v;
            count += bins;
        }
        var biasDb = 10 * Math.Log10(sum / count / truth);
        Assert.InRange(biasDb, -1, 1);
    }

    [Fact]
    public void Per_frame_weights_keep_their_time_constants_at_other_frame_steps()
    {
        var options = SpeechEnhancerOptions.Defaults;
        var at16 = SpeechPresenceNoiseTracker.Constants.From(options, 256 / 16000.0);
        Assert.Equal((float)options.NoiseSmoothing, at16.NoiseSmoothing); // exactly the given weight at 16 ms
        var at32 = SpeechPresenceNoiseTracker.Constants.From(options, 0.032); // e.g. hop 1024 at 32 kHz
        Assert.Equal(options.NoiseSmoothing * options.NoiseSmoothing, at32.NoiseSmoothing, 6);
        Assert.Equal(options.PresenceSmoothing * options.PresenceSmoothing, at32.PresenceSmoothing, 6);
        Assert.Equal(at16.LikelihoodScale, at32.LikelihoodScale);
    }

    [Fact]
    public void A_frame_allocates_nothing()
    {
        var enhancer = new SpeechEnhancer(SpeechEnhancerOptions.Defaults, 2, 513);
        var power = Enumerable.Range(0, enhancer.PaddedBins).Select(k => k < 513 ? 1e-3f * (1 + k % 7) : 0).ToArray();
        var gain = new float[enhancer.PaddedBins];
        enhancer.Begin(0, power);
        enhancer.Begin(1, power);
        enhancer.Step(0, 0, power, gain); // JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            enhancer.Step(0, i + 1, power, gain);
            enhancer.Step(1, i, power, gain);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(gain.Take(513), g => Assert.InRange(g, 0.1f - 1e-6f, 1f));
    }

    [Fact]
    public void Options_refuse_values_outside_their_range()
    {
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { DecisionDirectedWeight = 1 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { MinimumGainDb = 3 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { PresencePrior = 0 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { InitialNoiseFrames = 0 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { BabbleShareTo = 0.1 }.Validated()); // under BabbleShareFrom
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { BabbleWindowSeconds = 39.5 }.Validated()); // the chunk context must cover it
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { CeilingWindowSeconds = 39.5 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpectralGateOptions { Mode = DenoiseMode.Speech, Speech = new() { NoiseSmoothing = -0.1 } }.Validated(16000));
        Assert.Same(SpeechEnhancerOptions.Defaults, SpeechEnhancerOptions.Defaults.Validated());
    }

    /// <summary>E1 to double precision: the power series up to 1, Lentz's continued fraction above.</summary>
    private static double ExactE1(double x)
    {
        if (x <= 1)
        {
            double sum = 0, term = 1;
            for (var k = 1; k < 60; k++)
            {
                term *= -x / k;
                sum -= term / k;
            }
            return -0.57721566490153286 - Math.Log(x) + sum;
        }
        double b = x + 1, c = 1e300, d = 1 / b, h = d;
        for (var i = 1; i < 300; i++)
        {
            var a = -(double)i * i;
            b += 2;
            d = 1 / (a * d + b);
            c = b + a / c;
            var delta = c * d;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return h * Math.Exp(-x);
    }
}
