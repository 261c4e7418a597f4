namespace AudioGrains.Dsp.Tests;

/// <summary>EBU Tech 3342 loudness-range cases, stereo 1 kHz sines, ±1 LU.</summary>
public class LoudnessRangeTests
{
    [Theory]
    [InlineData(48000, 10.0, new double[] { -20, 20, -30, 20 })]
    [InlineData(48000, 5.0, new double[] { -20, 20, -15, 20 })]
    [InlineData(48000, 20.0, new double[] { -40, 20, -20, 20 })]
    [InlineData(48000, 15.0, new double[] { -50, 20, -35, 20, -20, 20, -35, 20, -50, 20 })]
    [InlineData(16000, 10.0, new double[] { -20, 20, -30, 20 })]
    [InlineData(16000, 15.0, new double[] { -50, 20, -35, 20, -20, 20, -35, 20, -50, 20 })]
    public void StereoSineMeetsTech3342(int sampleRate, double expectedLu, double[] steps)
    {
        var pieces = new TestSignals.Step[steps.Length / 2];
        for (var i = 0; i < pieces.Length; i++) pieces[i] = new TestSignals.Step(steps[2 * i], steps[2 * i + 1]);
        var result = TestSignals.MeasureSine(sampleRate, 2, 1000, pieces);
        Assert.Equal(expectedLu, result.LoudnessRangeLu, 1.0);
    }

    [Fact]
    public void ShorterThanOneWindowIsZero()
    {
        var segments = new double[29];
        Array.Fill(segments, 1600.0);
        Assert.Equal(0, LoudnessRange.Compute(segments, 1600));
    }

    [Fact]
    public void SteadyLevelHasNoRange()
    {
        var segments = new double[100];
        Array.Fill(segments, 0.01 * 1600);
        Assert.Equal(0, LoudnessRange.Compute(segments, 1600), 1e-12);
    }

    [Fact]
    public void PercentilesFollowTheNearestRankRule()
    {
        // 30 + n − 1 segments give n windows; with one segment per window step and a ramp of
        // distinct window energies the 10th and 95th percentiles are the ⌊(n−1)p + 0.5⌋-th values.
        // Build windows directly: segment k has energy proportional to 2^(k / 30) so window loudness
        // rises steadily; compute the expected value from the window energies themselves.
        const int segLen = 100;
        const int windows = 41;
        var segments = new double[windows + 29];
        for (var k = 0; k < segments.Length; k++) segments[k] = segLen * 1e-3 * Math.Pow(2, k / 30.0);
        var z = new double[windows];
        for (var j = 0; j < windows; j++)
        {
            var s = 0.0;
            for (var k = j; k < j + 30; k++) s += segments[k];
            z[j] = s / (30.0 * segLen);
        }
        var expected = 10 * Math.Log10(z[38] / z[4]); // ⌊40·0.95 + 0.5⌋ = 38, ⌊40·0.1 + 0.5⌋ = 4
        Assert.Equal(expected, LoudnessRange.Compute(segments, segLen), 1e-12);
    }
}
