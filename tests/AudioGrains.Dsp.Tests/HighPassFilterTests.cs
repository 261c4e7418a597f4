namespace AudioGrains.Dsp.Tests;

public class HighPassFilterTests
{
    [Theory]
    [InlineData(16000, 80)]
    [InlineData(48000, 80)]
    [InlineData(44100, 120)]
    public void IsThreeDecibelsDownAtTheCutoff(int sampleRate, double cutoff)
    {
        var c = BiquadCoefficients.ButterworthHighPass(sampleRate, cutoff);
        Assert.Equal(1 / Math.Sqrt(2), c.MagnitudeAt(cutoff, sampleRate), 1e-12);
    }

    [Fact]
    public void MatchesTheAnalyticButterworthResponse()
    {
        // Bilinear with prewarp maps f to the analog Ω = tan(πf/fs) / tan(πfc/fs), and a 2nd-order
        // Butterworth high-pass has |H|² = Ω⁴ / (1 + Ω⁴).
        const int rate = 16000;
        const double cutoff = 80;
        var c = BiquadCoefficients.ButterworthHighPass(rate, cutoff);
        Assert.Equal(AnalyticDb(20, rate, cutoff), Decibels.FromAmplitude(c.MagnitudeAt(20, rate)), 1e-9);
        Assert.Equal(10 * Math.Log10(1 / 257.0), AnalyticDb(20, rate, cutoff), 0.01); // Ω ≈ 1/4: 2 octaves at 12 dB/octave
        Assert.InRange(Decibels.FromAmplitude(c.MagnitudeAt(1000, rate)), -0.01, 0);
    }

    [Theory]
    [InlineData(1000.0)]
    [InlineData(20.0)]
    public void SineThroughTheFilterComesOutAtTheAnalyticLevel(double frequency)
    {
        const int rate = 16000;
        const double cutoff = 80;
        var filter = new HighPassFilter(rate, 2, cutoff);
        var seconds = 3;
        var x = new double[rate * seconds * 2];
        for (var n = 0; n < rate * seconds; n++)
            x[2 * n] = x[2 * n + 1] = Math.Sin(2 * Math.PI * frequency * n / rate);
        filter.Process(x);

        // RMS over the last second (whole periods of both frequencies), after the filter has settled.
        var sum = 0.0;
        for (var n = rate * (seconds - 1); n < rate * seconds; n++) sum += x[2 * n] * x[2 * n];
        var rmsDb = Decibels.FromAmplitude(Math.Sqrt(sum / rate) * Math.Sqrt(2));
        Assert.Equal(AnalyticDb(frequency, rate, cutoff), rmsDb, 0.01);
        if (frequency == 1000) Assert.InRange(rmsDb, -0.01, 0.01);
    }

    [Fact]
    public void BlockSplitIsExactAndTheBiquadAgrees()
    {
        const int rate = 16000;
        var x = TestSignals.Programme(rate, 2, 1, seed: 5);
        var whole = (double[])x.Clone();
        new HighPassFilter(rate, 2, 80).Process(whole);

        var pieces = (double[])x.Clone();
        var split = new HighPassFilter(rate, 2, 80);
        split.Process(pieces.AsSpan(0, 2 * 777));
        split.Process(pieces.AsSpan(2 * 777));
        Assert.Equal(whole, pieces);

        // Same transfer function as the direct-form biquad, evaluated in state-variable form.
        var biquad = new Biquad(BiquadCoefficients.ButterworthHighPass(rate, 80));
        for (var n = 0; n < x.Length / 2; n++) Assert.Equal(biquad.Process(x[2 * n]), whole[2 * n], 1e-13);
    }

    [Fact]
    public void WarmedOnPreRollItContinuesTheWholeSignal()
    {
        // DSP.md §4: an 80 Hz high-pass at 16 kHz forgets its start within about 0.1 s; in
        // state-variable form the warmed run then coincides with the whole-signal run to the bit.
        const int rate = 16000;
        var x = TestSignals.Programme(rate, 1, 2, seed: 6);
        var whole = (double[])x.Clone();
        new HighPassFilter(rate, 1, 80).Process(whole);

        var start = rate; // chunk at 1 s, 0.5 s pre-roll
        var chunk = x.AsSpan(start - rate / 2).ToArray();
        new HighPassFilter(rate, 1, 80).Process(chunk);
        Assert.Equal(whole.AsSpan(start).ToArray(), chunk.AsSpan(rate / 2).ToArray());
    }

    private static double AnalyticDb(double f, int rate, double cutoff)
    {
        var omega = Math.Tan(Math.PI * f / rate) / Math.Tan(Math.PI * cutoff / rate);
        var o4 = Math.Pow(omega, 4);
        return 10 * Math.Log10(o4 / (1 + o4));
    }
}
