namespace AudioGrains.Dsp.Tests;

/// <summary>The weight-free voice isolation of DSP.md §5: a speech band limit and stereo centre extraction.</summary>
public class VoiceIsolationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Rate = 16000;

    private static SpectralGate VoiceBand() => new(new SpectralGateOptions
    {
        Mode = DenoiseMode.Off,
        BandLowHz = SpectralGateOptions.VoiceBandLowHz,
        BandHighHz = SpectralGateOptions.VoiceBandHighHz,
    }, Rate, 1);

    [Fact]
    public void BandLimitRemovesRumbleAndHissButNotSpeech()
    {
        const int frames = 4 * Rate;
        var rumble = new double[frames];
        var hiss = new double[frames];
        var speech = new double[frames];
        var random = new Random(5);
        var phases = new double[41];
        for (var i = 0; i < phases.Length; i++) phases[i] = 2 * Math.PI * random.NextDouble();
        for (var n = 0; n < frames; n++)
        {
            rumble[n] = GateSignals.Sine(0.3, 40, Rate, n);
            // 7.8–8 kHz: 41 components 5 Hz apart with random phases.
            for (var i = 0; i < phases.Length; i++) hiss[n] += 0.02 * Math.Sin(2 * Math.PI * ((7800 + 5 * i) * (long)n % Rate) / Rate + phases[i]);
            // 150 Hz voice, harmonics to 3.3 kHz with a 1/h spectrum, syllable envelope.
            var envelope = 0.3 + 0.7 * Math.Max(0, Math.Sin(2 * Math.PI * 3.5 * n / Rate));
            for (var h = 1; h <= 22; h++) speech[n] += envelope * GateSignals.Sine(0.2 / h, 150 * h, Rate, n);
        }

        var gate = VoiceBand();
        var rumbleDb = ChangeDb(rumble, GateSignals.ProcessWhole(gate, rumble));
        var hissDb = ChangeDb(hiss, GateSignals.ProcessWhole(gate, hiss));
        var speechOut = GateSignals.ProcessWhole(gate, speech);
        var speechDb = ChangeDb(speech, speechOut);
        var loudnessDb = Lufs(speechOut) - Lufs(speech);
        output.WriteLine($"voice band 80–7600 Hz: 40 Hz rumble {rumbleDb:F1} dB, 7.8–8 kHz hiss {hissDb:F1} dB, speech {speechDb:F3} dB (loudness {loudnessDb:F3} LU)");
        Assert.True(rumbleDb <= -20, $"rumble {rumbleDb} dB");
        Assert.True(hissDb <= -20, $"hiss {hissDb} dB");
        Assert.True(Math.Abs(loudnessDb) < 1, $"speech loudness {loudnessDb} LU");
        Assert.True(Math.Abs(speechDb) < 1, $"speech power {speechDb} dB");
    }

    [Fact]
    public void BandGainIsOneInsideZeroOutsideWithRaisedCosineEdges()
    {
        var gains = BandGain.Compute(Rate, 1024, 80, 7600);
        double Gain(double hz) => gains[(int)Math.Round(hz / 15.625)];
        Assert.Equal(0, Gain(0));
        Assert.Equal(0, Gain(46.875));
        Assert.InRange(Gain(78.125), 0.4, 0.6);
        Assert.Equal(1, Gain(109.375));
        Assert.Equal(1, Gain(3000));
        Assert.Equal(1, Gain(7562.5));
        Assert.Equal(0, Gain(7640.625));
        Assert.Equal(0, gains[^1]);
        var open = BandGain.Compute(Rate, 1024, null, 7600);
        Assert.Equal(1, open[0]);
    }

    [Fact]
    public void CentreExtractionKeepsTheCentreAndDropsHardPannedContent()
    {
        const int frames = 3 * Rate;
        var left = new double[frames];
        var right = new double[frames];
        for (var n = 0; n < frames; n++)
        {
            var centre = GateSignals.Sine(0.3, 440, Rate, n);  // both channels: the voice
            var side = GateSignals.Sine(0.3, 1250, Rate, n);   // left only: music panned hard left
            left[n] = centre + side;
            right[n] = centre;
        }
        var gate = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, CentreExtraction = true }, Rate, 2);
        Assert.Equal(1, gate.OutputChannels);
        var y = GateSignals.ProcessWhole(gate, GateSignals.Interleave(left, right));
        int from = Rate / 2, to = 5 * Rate / 2;
        var centreDb = 20 * Math.Log10(GateSignals.ToneAmplitude(y, from, to, 440, Rate) / 0.3);
        var sideDb = 20 * Math.Log10(GateSignals.ToneAmplitude(y, from, to, 1250, Rate) / 0.3);
        output.WriteLine($"centre extraction: centre tone {centreDb:F3} dB, hard-left tone {sideDb:F1} dB");
        Assert.True(Math.Abs(centreDb) < 1, $"centre tone {centreDb} dB");
        Assert.True(sideDb <= -15, $"hard-left tone {sideDb} dB");
    }

    [Fact]
    public void CentreOfAMonoSourceIsTheSource()
    {
        var x = GateSignals.Programme(Rate, 2, seed: 3);
        var gate = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, CentreExtraction = true }, Rate, 2);
        var y = GateSignals.ProcessWhole(gate, GateSignals.Interleave(x, x));
        for (var n = 0; n < x.Length; n++) Assert.Equal(x[n], y[n], 1e-12);
    }

    [Fact]
    public void CentreExtractionNeedsStereo()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SpectralGate(new SpectralGateOptions { CentreExtraction = true }, Rate, 1));
        Assert.Contains("2 input channels", ex.Message);
    }

    private static double ChangeDb(double[] x, double[] y) =>
        10 * Math.Log10(GateSignals.Power(y, Rate / 2, x.Length - Rate / 2) / GateSignals.Power(x, Rate / 2, x.Length - Rate / 2));

    private static double Lufs(double[] x)
    {
        var meter = new LoudnessMeter(Rate, 1);
        meter.Add(x);
        return meter.Result().IntegratedLufs;
    }
}
