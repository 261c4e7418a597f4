namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The property the distributed measurement stands on: chunks that start on the 100 ms grid, each
/// measured by a fresh meter primed with 0.5 s of the audio before it, give the whole-file segment
/// energies when concatenated and the whole-file peaks when merged by max.
/// </summary>
public class ChunkedMeasurementTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Chunk lengths in segments, cycled: long and short, including single-segment chunks and chunks
    // shorter than the pre-roll.
    private static readonly int[] ChunkSegments = [17, 5, 30, 1, 9, 23, 2];

    [Theory]
    [InlineData(48000, 2, 12.0)]
    [InlineData(16000, 2, 20.0)]
    [InlineData(16000, 1, 20.0)]
    [InlineData(44100, 2, 10.0)]
    public void ChunkedEqualsWhole(int rate, int channels, double seconds)
    {
        var segLen = LoudnessSegments.Length(rate);
        var starts = ChunkStarts(segLen, (int)Math.Round(seconds * rate));
        // Clicks exactly at a chunk start and on the last frame before another one.
        var x = TestSignals.Programme(rate, channels, seconds, seed: rate + channels, starts[3], starts[6] - 1);
        var frames = x.Length / channels;

        var whole = new LoudnessMeter(rate, channels);
        for (var f = 0; f < frames; f += 777) whole.Add(x.AsSpan(f * channels, Math.Min(777, frames - f) * channels));

        var preRoll = rate / 2;
        var (segments, truePeak, samplePeak) = MeasureChunked(x, rate, channels, starts, preRoll);

        Assert.Equal(whole.SegmentEnergies.Count, segments.Count);
        var worst = 0.0;
        var identical = 0;
        for (var k = 0; k < segments.Count; k++)
        {
            var expected = whole.SegmentEnergies[k];
            var error = Math.Abs(segments[k] - expected) / expected;
            Assert.True(error < 1e-12, $"segment {k}: relative error {error}");
            worst = Math.Max(worst, error);
            if (segments[k] == expected) identical++;
        }
        output.WriteLine($"worst relative segment error {worst:E2}; {identical} of {segments.Count} segments bit-identical");
        var wholeResult = whole.Result();
        var integrated = GatedLoudness.Integrated(segments.ToArray(), segLen);
        Assert.True(double.IsFinite(integrated));
        Assert.Equal(wholeResult.IntegratedLufs, integrated, 9);
        Assert.True(Math.Abs(wholeResult.IntegratedLufs - integrated) < 1e-10);
        Assert.Equal(wholeResult.LoudnessRangeLu, LoudnessRange.Compute(segments.ToArray(), segLen), 9);
        Assert.Equal(whole.TruePeak, truePeak);
        Assert.Equal(whole.SamplePeak, samplePeak);
        Assert.Equal(0.995, samplePeak); // the click
    }

    [Fact]
    public void WarmedSegmentsAreBitIdentical()
    {
        // Stronger than the 1e-12 the system needs: the state-variable K-filter warmed on 0.5 s
        // coincides with the whole-file filter to the bit (see StateVariableSection), so chunked
        // segment energies equal the whole-file ones exactly. Loud-to-quiet at a seam is the hard case
        // for the direct form (its residual rounding noise is relative to the loud part).
        const int rate = 48000;
        var segLen = LoudnessSegments.Length(rate);
        var starts = ChunkStarts(segLen, rate * 12);
        var x = TestSignals.Programme(rate, 2, 12, seed: 12);
        for (var i = 0; i < x.Length; i++)
            if (i / 2 / rate % 2 == 1) x[i] *= 1e-4; // every other second 80 dB down
        var whole = new LoudnessMeter(rate, 2);
        whole.Add(x);
        var (segments, _, _) = MeasureChunked(x, rate, 2, starts, rate / 2);
        Assert.Equal(whole.SegmentEnergies, segments);
    }

    [Fact]
    public void WithoutPreRollTheSeamsAreVisible()
    {
        // Guards the test above: skipping the pre-roll must break the 1e-12 agreement.
        const int rate = 16000;
        var segLen = LoudnessSegments.Length(rate);
        var starts = ChunkStarts(segLen, rate * 5);
        var x = TestSignals.Programme(rate, 1, 5, seed: 2);
        var whole = new LoudnessMeter(rate, 1);
        whole.Add(x);
        var (segments, _, _) = MeasureChunked(x, rate, 1, starts, preRoll: 0);
        var k = starts[2] / segLen;
        Assert.True(Math.Abs(segments[k] - whole.SegmentEnergies[k]) / whole.SegmentEnergies[k] > 1e-6);
    }

    private static int[] ChunkStarts(int segLen, int frames)
    {
        var starts = new List<int>();
        for (int start = 0, i = 0; start < frames; start += ChunkSegments[i++ % ChunkSegments.Length] * segLen)
            starts.Add(start);
        return [.. starts];
    }

    private static (List<double> Segments, double TruePeak, double SamplePeak) MeasureChunked(
        double[] x, int rate, int channels, int[] starts, int preRoll)
    {
        var frames = x.Length / channels;
        var segments = new List<double>();
        double truePeak = 0, samplePeak = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            var start = starts[i];
            var end = i + 1 < starts.Length ? starts[i + 1] : frames;
            var meter = new LoudnessMeter(rate, channels);
            var from = Math.Max(0, start - preRoll);
            meter.Prime(x.AsSpan(from * channels, (start - from) * channels));
            meter.Add(x.AsSpan(start * channels, (end - start) * channels));
            segments.AddRange(meter.SegmentEnergies);
            truePeak = Math.Max(truePeak, meter.TruePeak);
            samplePeak = Math.Max(samplePeak, meter.SamplePeak);
        }
        return (segments, truePeak, samplePeak);
    }
}
