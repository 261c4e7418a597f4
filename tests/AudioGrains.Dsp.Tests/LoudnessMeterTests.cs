namespace AudioGrains.Dsp.Tests;

public class LoudnessMeterTests
{
    [Theory]
    [InlineData(44100, 2)]
    [InlineData(48000, 6)]
    [InlineData(16000, 1)]
    public void Splitting_the_true_peak_onto_another_thread_changes_nothing(int rate, int channels)
    {
        var x = TestSignals.Programme(rate, channels, 7.3, seed: 11).Select(v => (float)v).ToArray();
        var plain = new LoudnessMeter(rate, channels);
        var split = new LoudnessMeter(rate, channels) { SplitTruePeak = true };
        var block = 9000 * channels; // large enough to split, not a multiple of the segment
        for (var i = 0; i < x.Length; i += block)
        {
            var part = x.AsSpan(i, Math.Min(block, x.Length - i));
            plain.Add(part);
            split.Add(part);
        }
        Assert.Equal(plain.Result(), split.Result());
        Assert.Equal(plain.SegmentEnergies, split.SegmentEnergies);
    }

    [Fact]
    public void SilenceMeasuresMinusInfinity()
    {
        var meter = new LoudnessMeter(48000, 2);
        meter.Add(new double[2 * 48000 * 10]);
        var result = meter.Result();
        Assert.Equal(double.NegativeInfinity, result.IntegratedLufs);
        Assert.Equal(0, result.LoudnessRangeLu);
        Assert.Equal(10.0, result.DurationSeconds);
        Assert.Equal(100, meter.SegmentEnergies.Count);
    }

    [Fact]
    public void BelowOneBlockIsMinusInfinityAndOneBlockIsNot()
    {
        const int rate = 48000;
        var tone = new double[rate * 4 / 10]; // exactly 400 ms = 4 segments
        for (var n = 0; n < tone.Length; n++) tone[n] = 0.1 * Math.Sin(2 * Math.PI * 1000 * n / rate);

        var shortMeter = new LoudnessMeter(rate, 1);
        shortMeter.Add(tone.AsSpan(0, tone.Length - 1));
        Assert.Equal(double.NegativeInfinity, shortMeter.Result().IntegratedLufs);
        Assert.Equal(3, shortMeter.SegmentEnergies.Count);

        var blockMeter = new LoudnessMeter(rate, 1);
        blockMeter.Add(tone);
        // One block of a 0.1-peak sine: −20 dBFS mono is about −23.0 LUFS.
        Assert.Equal(-23.0, blockMeter.Result().IntegratedLufs, 0.1);
    }

    [Theory]
    [InlineData(48000, 2, 123_457)]
    [InlineData(16000, 1, 1_600 * 7 + 1_599)]
    [InlineData(44100, 6, 44_100)]
    public void KeepsOneNumberPerCompleteSegment(int rate, int channels, int frames)
    {
        var meter = new LoudnessMeter(rate, channels);
        meter.Add(new double[frames * channels]);
        Assert.Equal(frames, meter.Frames);
        Assert.Equal(frames / LoudnessSegments.Length(rate), meter.SegmentEnergies.Count);
    }

    [Fact]
    public void ResultsDoNotDependOnHowAudioIsSplitIntoCalls()
    {
        const int rate = 16000;
        var x = TestSignals.Programme(rate, 2, 5, seed: 21, clickFrames: 33_333);
        var whole = new LoudnessMeter(rate, 2);
        whole.Add(x);

        var split = new LoudnessMeter(rate, 2);
        var random = new Random(4);
        for (var frame = 0; frame < x.Length / 2;)
        {
            var n = Math.Min(random.Next(1, 5000), x.Length / 2 - frame);
            split.Add(x.AsSpan(2 * frame, 2 * n));
            frame += n;
        }
        Assert.Equal(whole.SegmentEnergies, split.SegmentEnergies);
        Assert.Equal(whole.TruePeak, split.TruePeak);
        Assert.Equal(whole.SamplePeak, split.SamplePeak);
        Assert.Equal(whole.Result(), split.Result());
    }

    [Fact]
    public void FloatInputMeasuresLikeTheSameValuesAsDouble()
    {
        const int rate = 48000;
        var x = TestSignals.Programme(rate, 2, 2, seed: 8);
        var asFloat = x.Select(v => (float)v).ToArray();
        var asDouble = asFloat.Select(v => (double)v).ToArray();

        var fromDouble = new LoudnessMeter(rate, 2);
        fromDouble.Prime(asDouble.AsSpan(0, 2 * 4800));
        fromDouble.Add(asDouble.AsSpan(2 * 4800));
        var fromFloat = new LoudnessMeter(rate, 2);
        fromFloat.Prime(asFloat.AsSpan(0, 2 * 4800));
        fromFloat.Add(asFloat.AsSpan(2 * 4800));
        Assert.Equal(fromDouble.SegmentEnergies, fromFloat.SegmentEnergies);
        Assert.Equal(fromDouble.Result(), fromFloat.Result());
    }

    [Fact]
    public void PrimeMeasuresAndCountsNothing()
    {
        var meter = new LoudnessMeter(16000, 1);
        var loud = new double[16000];
        Array.Fill(loud, 0.9);
        meter.Prime(loud);
        Assert.Equal(0, meter.Frames);
        Assert.Empty(meter.SegmentEnergies);
        Assert.Equal(0, meter.SamplePeak);
        Assert.Equal(0, meter.TruePeak);
    }

    [Fact]
    public void RejectsMisuse()
    {
        var meter = new LoudnessMeter(16000, 2);
        Assert.Throws<ArgumentException>(() => meter.Add(new double[3]));
        meter.Add(new double[4]);
        Assert.Throws<InvalidOperationException>(() => meter.Prime(new double[4]));
        Assert.Throws<ArgumentException>(() => new LoudnessMeter(16000, 2, [1.0]));
    }

    [Fact]
    public void SegmentEnergiesAreWeightedChannelSums()
    {
        // S_k = Σ_c G_c Σ_n y_c²: a zero weight silences a channel, 1.41 scales it.
        const int rate = 16000;
        var x = TestSignals.Programme(rate, 2, 1, seed: 9);
        var left = new double[x.Length / 2];
        for (var n = 0; n < left.Length; n++) left[n] = x[2 * n];

        var mono = new LoudnessMeter(rate, 1);
        mono.Add(left);
        var weighted = new LoudnessMeter(rate, 2, [1.41, 0]);
        weighted.Add(x);
        for (var k = 0; k < mono.SegmentEnergies.Count; k++)
            Assert.Equal(1.41 * mono.SegmentEnergies[k], weighted.SegmentEnergies[k], 1e-15 * mono.SegmentEnergies[k]);
    }
}
