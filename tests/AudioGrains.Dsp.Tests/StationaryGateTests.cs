namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The stationary gate against what its definition predicts: content far above the noise profile's
/// threshold passes, noise alone is scaled by 1 − Strength (−14 dB at 0.8).
/// </summary>
public class StationaryGateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Rate = 16000;

    [Fact]
    public void ToneFarAboveTheNoisePasses()
    {
        // With the default 500 Hz mask smoothing a bin passes whole only when the ±16 bins around it
        // are above the threshold too, so a pure tone must clear the noise by more than its Hann
        // sidelobes fall in 16 bins (about 80 dB): 0.5 over noise of σ = 1e-5 is ~116 dB apart in
        // |X|. 1010 Hz lies between bins, so its sidelobes reach far.
        var x = GateSignals.WhiteNoise(6 * Rate, 1e-5, seed: 1);
        for (var n = 0; n < x.Length; n++) x[n] += GateSignals.Sine(0.5, 1010, Rate, n);
        var clip = GateSignals.WhiteNoise(3 * Rate, 1e-5, seed: 2);
        var y = GateSignals.ProcessWhole(new SpectralGate(new SpectralGateOptions(), Rate, 1), x, clip);
        var toneDb = ToneChangeDb(x, y, 1010);
        output.WriteLine($"default smoothing: tone {toneDb:F5} dB");
        Assert.True(Math.Abs(toneDb) < 0.1, $"tone changed by {toneDb} dB");
    }

    [Fact]
    public void NoiseAloneDropsBy1MinusStrength()
    {
        // About 2 % of the noise's bins exceed mean + 1.5 std of their dB (exponential power: P(> 3.85·E));
        // the 33 × 7 smoothing spreads them thin, so the mask is ~0.2 almost everywhere.
        var x = GateSignals.WhiteNoise(6 * Rate, 1e-3, seed: 3);
        var clip = GateSignals.WhiteNoise(3 * Rate, 1e-3, seed: 4);
        var y = GateSignals.ProcessWhole(new SpectralGate(new SpectralGateOptions(), Rate, 1), x, clip);
        var noiseDb = PowerChangeDb(x, y);
        output.WriteLine($"default smoothing: noise {noiseDb:F3} dB (expected {20 * Math.Log10(1 - 0.8):F3} within 1 dB)");
        Assert.True(Math.Abs(noiseDb - 20 * Math.Log10(1 - 0.8)) < 1, $"noise changed by {noiseDb} dB");
    }

    [Fact]
    public void WithoutSmoothingTheGateIsPerBin()
    {
        // No smoothing: the tone's own bins are far above the threshold (σ = 1e-3, ~56 dB) and pass at 1;
        // a noise bin passes whole when it exceeds the threshold, so noise drops less than 1 − Strength.
        var options = new SpectralGateOptions { FreqMaskSmoothHz = 0, TimeMaskSmoothMs = 0, Strength = 0.9 };
        var gate = new SpectralGate(options, Rate, 1);
        Assert.Equal((0, 0), gate.SmoothingRadius);
        Assert.Equal(1024, gate.ContextFrames);
        var clip = GateSignals.WhiteNoise(3 * Rate, 1e-3, seed: 5);
        var x = GateSignals.WhiteNoise(6 * Rate, 1e-3, seed: 6);
        var noiseDb = PowerChangeDb(x, GateSignals.ProcessWhole(gate, x, clip));
        for (var n = 0; n < x.Length; n++) x[n] += GateSignals.Sine(0.5, 1010, Rate, n);
        var toneDb = ToneChangeDb(x, GateSignals.ProcessWhole(gate, x, clip), 1010);
        output.WriteLine($"no smoothing: tone {toneDb:F5} dB, noise alone {noiseDb:F2} dB (1 − Strength: {20 * Math.Log10(0.1):F2})");
        Assert.True(Math.Abs(toneDb) < 0.1, $"tone changed by {toneDb} dB");
        Assert.InRange(noiseDb, -20, -8);
    }

    [Fact]
    public void SmoothingRadiiFollowNoisereduce()
    {
        var gate = new SpectralGate(new SpectralGateOptions(), Rate, 1);
        Assert.Equal((16, 3), gate.SmoothingRadius);
        Assert.Equal(1792, gate.ContextFrames);
        Assert.Equal((11, 4), new SpectralGate(new SpectralGateOptions(), 22050, 1).SmoothingRadius); // int(500/43.07), int(50/11.61)
        // noisereduce turns smoothing off when both radii come out as 1 (base.py: smooth_mask = False), not a 3×3 triangle.
        Assert.Equal((0, 0), new SpectralGate(new SpectralGateOptions { FreqMaskSmoothHz = 32, TimeMaskSmoothMs = 17 }, Rate, 1).SmoothingRadius);
        Assert.Equal((1, 2), new SpectralGate(new SpectralGateOptions { FreqMaskSmoothHz = 32, TimeMaskSmoothMs = 33 }, Rate, 1).SmoothingRadius);
        var triangle = MaskSmoother.Triangle(3);
        Assert.Equal([1 / 16.0, 2 / 16.0, 3 / 16.0, 4 / 16.0, 3 / 16.0, 2 / 16.0, 1 / 16.0], triangle);
    }

    [Fact]
    public void ThresholdUsesTheNoiseClipNotTheSignal()
    {
        // The same loud tone with the signal as its own noise source is half the time "noise", so
        // its bins' threshold rises above it and it is gated: the profile is what decides.
        var x = ToneThenNoise(toneAmplitude: 0.5, sigma: 1e-5, seed: 5);
        var gate = new SpectralGate(new SpectralGateOptions(), Rate, 1);
        var y = GateSignals.ProcessWhole(gate, x);
        var toneDb = ToneChangeDb(x, y, 1000);
        output.WriteLine($"signal as its own noise: tone {toneDb:F2} dB");
        Assert.True(toneDb < -6);
    }

    /// <summary>3 s of tone over noise, then 3 s of noise alone.</summary>
    private static double[] ToneThenNoise(double toneAmplitude, double sigma, int seed)
    {
        var x = GateSignals.WhiteNoise(6 * Rate, sigma, seed);
        for (var n = 0; n < 3 * Rate; n++) x[n] += GateSignals.Sine(toneAmplitude, 1000, Rate, n);
        return x;
    }

    /// <summary>Level change of the tone over 0.5–2.5 s, in dB (away from the signal's start and the tone's end).</summary>
    private static double ToneChangeDb(double[] x, double[] y, int hz) =>
        20 * Math.Log10(GateSignals.ToneAmplitude(y, Rate / 2, 5 * Rate / 2, hz, Rate) / GateSignals.ToneAmplitude(x, Rate / 2, 5 * Rate / 2, hz, Rate));

    /// <summary>Power change over 0.5–5.5 s, in dB.</summary>
    private static double PowerChangeDb(double[] x, double[] y) =>
        10 * Math.Log10(GateSignals.Power(y, Rate / 2, 11 * Rate / 2) / GateSignals.Power(x, Rate / 2, 11 * Rate / 2));
}
