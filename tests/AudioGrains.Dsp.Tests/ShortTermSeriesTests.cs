namespace AudioGrains.Dsp.Tests;

/// <summary>The short-term loudness series a chart draws, from the segment energies a meter keeps.</summary>
public class ShortTermSeriesTests
{
    [Fact]
    public void SineStepsShowTheirTech3341Levels()
    {
        // Stereo 1 kHz at −23 dBFS reads −23 LUFS, at −33 dBFS −33 LUFS (EBU Tech 3341).
        var meter = new LoudnessMeter(48000, 2);
        TestSignals.FeedSine(meter, 1000, TestSignals.Steps((-23, 20), (-33, 20)));
        var energies = meter.SegmentEnergies.ToArray();

        var perPoint = ShortTermSeries.SegmentsPerPoint(energies.Length);
        var points = ShortTermSeries.Of(energies, meter.SegmentLength, perPoint);

        Assert.Equal(10, perPoint);
        Assert.Equal(40, points.Length);
        for (var p = 0; p < 20; p++) Assert.InRange(points[p], -23.5, -22.5);
        // A bucket's maximum still holds some of the louder part until its window (3 s) has left it: from 23 s on.
        for (var p = 20; p < 23; p++) Assert.InRange(points[p], -33.5, -22.5);
        for (var p = 23; p < 40; p++) Assert.InRange(points[p], -33.5, -32.5);
        Assert.Equal(-23, points[5], 0.1);
        Assert.Equal(-33, points[35], 0.1);
    }

    [Fact]
    public void NoiseTenDbQuieterReadsTenLuLower()
    {
        const int rate = 16000;
        var random = new Random(11);
        var loud = new double[20 * rate];
        var quiet = new double[20 * rate];
        for (var i = 0; i < loud.Length; i++) loud[i] = 0.3 * (random.NextDouble() * 2 - 1);
        for (var i = 0; i < quiet.Length; i++) quiet[i] = 0.3 / Math.Sqrt(10) * (random.NextDouble() * 2 - 1);
        var whole = new LoudnessMeter(rate, 1);
        whole.Add(loud);
        whole.Add(quiet);
        // Each part's own integrated loudness is the level its stretch of the series should show.
        var loudLufs = Integrated(loud, rate);
        var quietLufs = Integrated(quiet, rate);
        Assert.Equal(10, loudLufs - quietLufs, 0.2);

        var points = ShortTermSeries.Of(whole.SegmentEnergies.ToArray(), whole.SegmentLength, 10);

        Assert.Equal(40, points.Length);
        for (var p = 0; p < 20; p++) Assert.Equal(loudLufs, points[p], 0.5);
        for (var p = 23; p < 40; p++) Assert.Equal(quietLufs, points[p], 0.5);
    }

    [Fact]
    public void EachPointIsTheMaximumOfItsShortTermValues()
    {
        // Energies that rise then fall, so the maximum is not simply the last value of a bucket.
        const int segmentLength = 1600;
        var energies = new double[95];
        for (var k = 0; k < energies.Length; k++) energies[k] = segmentLength * 1e-3 * (1 + Math.Sin(k / 7.0));

        var points = ShortTermSeries.Of(energies, segmentLength, 20);

        Assert.Equal(5, points.Length); // 4 whole buckets and a partial one of 15 segments
        for (var p = 0; p < points.Length; p++)
        {
            var max = double.NegativeInfinity;
            for (var e = p * 20; e < Math.Min(energies.Length, (p + 1) * 20); e++)
            {
                var first = Math.Max(0, e - 29);
                var sum = 0.0;
                for (var k = first; k <= e; k++) sum += energies[k];
                max = Math.Max(max, -0.691 + 10 * Math.Log10(sum / ((e - first + 1) * (double)segmentLength)));
            }
            Assert.Equal(max, points[p], 1e-9);
        }
    }

    [Fact]
    public void AGainShiftsEveryPointByItsDecibels()
    {
        var meter = new LoudnessMeter(16000, 1);
        meter.Add(TestSignals.Programme(16000, 1, 30, seed: 5));
        var energies = meter.SegmentEnergies.ToArray();
        const double gainDb = 7.25;
        var scaled = energies.Select(e => e * Math.Pow(10, gainDb / 10)).ToArray();

        var before = ShortTermSeries.Of(energies, meter.SegmentLength, 10);
        var after = ShortTermSeries.Of(scaled, meter.SegmentLength, 10);

        Assert.Equal(30, before.Length);
        for (var p = 0; p < before.Length; p++) Assert.Equal(before[p] + gainDb, after[p], 1e-9);
    }

    [Fact]
    public void SilenceIsMinusInfinityOnceTheWindowHasLeftTheSound()
    {
        var energies = new double[100];
        for (var k = 0; k < 20; k++) energies[k] = 1600 * 0.01;

        var points = ShortTermSeries.Of(energies, 1600, 10);

        Assert.True(double.IsFinite(points[0]));
        Assert.True(double.IsFinite(points[4])); // segment 40's window (11..40) still holds sound
        Assert.Equal(double.NegativeInfinity, points[5]); // from segment 50 on the window is all silence
        Assert.All(points[5..], p => Assert.Equal(double.NegativeInfinity, p));
        Assert.DoesNotContain(points, double.IsNaN);
    }

    [Theory]
    [InlineData(0L, 10)]
    [InlineData(400L, 10)] // 40 s: one point per second
    [InlineData(40_000L, 10)] // 1.1 h still fits 4000 points of 1 s
    [InlineData(40_001L, 20)]
    [InlineData(360_000L, 90)] // 10 h: one point per 9 s
    [InlineData(3_600_000L, 900)] // 100 h
    public void PointsAreWholeSecondsAndAtMostTheLimit(long segments, int expected)
    {
        var perPoint = ShortTermSeries.SegmentsPerPoint(segments);
        Assert.Equal(expected, perPoint);
        Assert.True((segments + perPoint - 1) / perPoint <= ShortTermSeries.DefaultMaxPoints);
    }

    private static double Integrated(double[] mono, int rate)
    {
        var meter = new LoudnessMeter(rate, 1);
        meter.Add(mono);
        return meter.Result().IntegratedLufs;
    }
}
