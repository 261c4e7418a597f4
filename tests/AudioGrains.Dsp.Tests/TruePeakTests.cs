namespace AudioGrains.Dsp.Tests;

public class TruePeakTests
{
    [Fact]
    public void QuarterRateSineAt45DegreesHasItsPeakBetweenSamples()
    {
        // sin(πn/2 + π/4): every sample is ±0.7071 (−3.01 dBFS) but the waveform reaches 1.0 midway
        // between samples. In steady state phase p outputs |H_p|·sin(πn/2 + π/4 + arg H_p), with H_p
        // its response at fs/4, so the reading is max_p |H_p|·max(|sin θ_p|, |cos θ_p|): the phases
        // 1/8 sample either side of the crest (cos(π/16) = 0.981) times the interpolator's ripple
        // there (1.026), +0.045 dBTP.
        const int rate = 48000;
        var meter = new LoudnessMeter(rate, 1);
        // Exact samples: the pattern s, s, −s, −s with s = 1/√2, for any n.
        static double Sine(int n) => ((n % 4 + 4) % 4 < 2 ? 1 : -1) / Math.Sqrt(2);
        var preRoll = new double[64];
        for (var n = 0; n < preRoll.Length; n++) preRoll[n] = Sine(n - preRoll.Length);
        var x = new double[rate];
        for (var n = 0; n < x.Length; n++) x[n] = Sine(n);
        meter.Prime(preRoll); // steady state from the first measured sample
        meter.Add(x);

        var expected = 0.0;
        for (var p = 0; p < TruePeakFilter.Phases; p++)
        {
            var h = System.Numerics.Complex.Zero;
            for (var i = 0; i < TruePeakFilter.TapsPerPhase; i++)
                h += TruePeakFilter.Tap(p, i) * System.Numerics.Complex.FromPolarCoordinates(1, -Math.PI / 2 * i);
            var theta = Math.PI / 4 + h.Phase;
            expected = Math.Max(expected, h.Magnitude * Math.Max(Math.Abs(Math.Sin(theta)), Math.Abs(Math.Cos(theta))));
        }

        var result = meter.Result();
        Assert.Equal(-3.0103, result.SamplePeakDbfs, 1e-3);
        Assert.Equal(expected, meter.TruePeak, 1e-12);
        Assert.Equal(0, result.TruePeakDbtp, 0.2);
        Assert.Equal(0.045, result.TruePeakDbtp, 0.001);
    }

    [Fact]
    public void DcReadsTheFilterGainOfItsLargestPhase()
    {
        var dc = new double[200];
        Array.Fill(dc, 0.5);
        var detector = new TruePeakDetector(1);
        detector.Prime(dc); // no step at the start: a step rings (Gibbs) and reads higher
        detector.Add(dc);
        var largestPhaseGain = 0.0;
        for (var p = 0; p < TruePeakFilter.Phases; p++)
        {
            var sum = 0.0;
            for (var i = 0; i < TruePeakFilter.TapsPerPhase; i++) sum += TruePeakFilter.Tap(p, i);
            largestPhaseGain = Math.Max(largestPhaseGain, sum);
        }
        Assert.Equal(1.0015869140625, largestPhaseGain);
        Assert.Equal(0.5 * largestPhaseGain, detector.Max, 1e-15);
    }

    [Fact]
    public void StepFromSilenceOvershoots()
    {
        // The same DC entering from silence: the interpolated step overshoots like any band-limited
        // step would (about 11 %), which is what a true-peak meter is for.
        var dc = new double[200];
        Array.Fill(dc, 0.5);
        var detector = new TruePeakDetector(1);
        detector.Add(dc);
        Assert.InRange(detector.Max / 0.5, 1.10, 1.12);
    }

    [Fact]
    public void ImpulseReadsTheLargestTapAndTheMeterNeverReadsBelowTheSample()
    {
        var x = new double[64];
        x[30] = 1;
        var detector = new TruePeakDetector(1);
        detector.Add(x);
        Assert.Equal(0.9721679687500, detector.Max);

        var meter = new LoudnessMeter(48000, 1);
        meter.Add(x);
        Assert.Equal(1.0, meter.TruePeak);
        Assert.Equal(1.0, meter.SamplePeak);
    }

    [Fact]
    public void SilenceIsMinusInfinity()
    {
        var meter = new LoudnessMeter(48000, 2);
        meter.Add(new double[2 * 48000]);
        var result = meter.Result();
        Assert.Equal(0, meter.TruePeak);
        Assert.Equal(double.NegativeInfinity, result.TruePeakDbtp);
        Assert.Equal(double.NegativeInfinity, result.SamplePeakDbfs);
    }

    [Fact]
    public void MaxIsOverAllChannels()
    {
        var detector = new TruePeakDetector(3);
        var x = new double[3 * 100];
        x[3 * 50 + 2] = -0.5; // only channel 2, negative
        detector.Add(x);
        Assert.Equal(0.5 * 0.9721679687500, detector.Max);
    }

    [Fact]
    public void PrimingWithElevenFramesReproducesTheContinuousOutputs()
    {
        var x = TestSignals.Programme(48000, 2, 0.1, seed: 11, clickFrames: 2000);
        var whole = new TruePeakDetector(2);
        whole.Add(x.AsSpan(0, 2 * 2000));
        var before = whole.Max;
        whole.Add(x.AsSpan(2 * 2000));

        var chunk = new TruePeakDetector(2);
        // Pre-roll fed in pieces, the last two shorter than the 11-frame history.
        chunk.Prime(x.AsSpan(2 * 1970, 2 * 25));
        chunk.Prime(x.AsSpan(2 * 1995, 2 * 3));
        chunk.Prime(x.AsSpan(2 * 1998, 2 * 2));
        Assert.Equal(0, chunk.Max);
        chunk.Add(x.AsSpan(2 * 2000));
        Assert.Equal(whole.Max, Math.Max(before, chunk.Max));
        Assert.True(chunk.Max > 0.9);
    }

    [Fact]
    public void VectorPathsAgreeBitForBit()
    {
        var random = new Random(7);
        var line = new double[TruePeakFilter.History + 503];
        for (var i = 0; i < line.Length; i++) line[i] = random.NextDouble() * 2 - 1;
        // 503 outputs: the four-at-a-time loop and its single-output tail.
        Assert.Equal(TruePeakDetector.PeakOf256(line, 503), TruePeakDetector.PeakOf128(line, 503));
        for (var n = 1; n <= 7; n++)
            Assert.Equal(TruePeakDetector.PeakOf256(line, n), TruePeakDetector.PeakOf128(line, n));
    }

    [Fact]
    public void SkippingQuietStretchesReadsExactlyTheFullyFilteredMaximum()
    {
        // Bursts 0–30 dB under a loud one, in random order, with the loudest neither first nor last: stretches are
        // skipped only under the bound, so the result must equal filtering every output, bit for bit.
        var random = new Random(3);
        const int frames = 48000;
        var x = new double[frames];
        for (var burst = 0; burst < 40; burst++)
        {
            var level = burst == 23 ? 0.9 : 0.9 * Math.Pow(10, -random.NextDouble() * 1.5);
            var start = burst * 1200;
            for (var n = 0; n < 1200; n++) x[start + n] = level * Math.Sin(0.37 * n + burst) * (0.5 + 0.5 * random.NextDouble());
        }
        var line = new double[TruePeakFilter.History + frames];
        x.CopyTo(line, TruePeakFilter.History);
        var reference = TruePeakDetector.PeakOf256(line, frames);

        var detector = new TruePeakDetector(1);
        detector.Add(x);
        Assert.Equal(reference, detector.Max);

        // A peak between samples that only filtering finds (the quarter-rate sine's +3 dB over its samples), late in
        // a quiet file whose earlier stretch set the maximum close to it: it must not be skipped.
        var y = new double[4096];
        for (var n = 0; n < 1024; n++) y[n] = 0.72 * Math.Sin(0.05 * n); // over the sine's samples, under its peak
        for (var n = 3000; n < 3100; n++) y[n] = 0.7071 * (((n % 4) < 2) ? 1 : -1);
        var late = new TruePeakDetector(1);
        late.Add(y);
        var lineY = new double[TruePeakFilter.History + y.Length];
        y.CopyTo(lineY, TruePeakFilter.History);
        Assert.Equal(TruePeakDetector.PeakOf256(lineY, y.Length), late.Max);
        Assert.True(late.Max > 0.99);
    }

    [Fact]
    public void NaNInAQuietStretchAfterTheLoudestStillReachesTheMaximum()
    {
        var x = new double[4096];
        x[100] = 1.0;
        x[3000] = double.NaN;
        var detector = new TruePeakDetector(1);
        detector.Add(x);
        Assert.True(double.IsNaN(detector.Max));
        Assert.True(double.IsNaN(PeakAmplitude.OrNaN([0.1, double.NaN, 0.2, 0.3, 0.4, 0.5])));
        Assert.Equal(0.7, PeakAmplitude.OrNaN([0.1, -0.7, 0.2, 0.3, 0.4, 0.5, -0.6, 0.2, 0.1]));
    }
}
