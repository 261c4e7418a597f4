namespace AudioGrains.Dsp.Tests;

public class GatedLoudnessTests
{
    private const int SegLen = 1600;

    [Fact]
    public void SteadyEnergyReadsItsOwnLoudness()
    {
        var segments = new double[50];
        Array.Fill(segments, 0.01 * SegLen); // mean square 0.01 per segment
        Assert.Equal(-0.691 + 10 * Math.Log10(0.01), GatedLoudness.Integrated(segments, SegLen), 1e-12);
    }

    [Fact]
    public void RelativeGateDropsTheQuietHalf()
    {
        // 100 loud segments (z = 1e-2) then 100 quiet ones (1e-5, above −70 LUFS): 197 blocks.
        // Blocks 0..96 are loud, 97..99 mix 3:1, 2:2, 1:3, 100..196 are quiet. The relative gate is
        // a tenth of the mean of all 197; the quiet blocks fall below it, the mixed ones do not.
        const double loud = 1e-2, quiet = 1e-5;
        var segments = new double[200];
        for (var k = 0; k < 200; k++) segments[k] = (k < 100 ? loud : quiet) * SegLen;
        double[] mixed = [(3 * loud + quiet) / 4, (2 * loud + 2 * quiet) / 4, (loud + 3 * quiet) / 4];
        var all = (97 * loud + mixed.Sum() + 97 * quiet) / 197;
        Assert.True(quiet < all / 10 && mixed[2] > all / 10);
        var expected = -0.691 + 10 * Math.Log10((97 * loud + mixed.Sum()) / 100);
        Assert.Equal(expected, GatedLoudness.Integrated(segments, SegLen), 1e-12);
    }

    [Fact]
    public void AbsoluteGateDropsNearSilence()
    {
        // −75 LUFS blocks are ignored entirely, even when they are most of the signal.
        var segments = new double[1000];
        var nearSilence = BlockLoudness.ToEnergy(-75);
        for (var k = 0; k < segments.Length; k++) segments[k] = (k < 10 ? 0.01 : nearSilence) * SegLen;
        var withQuiet = GatedLoudness.Integrated(segments, SegLen);
        // Only blocks 0..9 (touching the loud part) pass the absolute gate: the same blocks as a
        // signal cut after segment 12, so the two read the same.
        var alone = GatedLoudness.Integrated(segments.AsSpan(0, 13), SegLen);
        Assert.Equal(alone, withQuiet, 1e-12);
        Assert.True(withQuiet > -23, $"{withQuiet}");
    }

    [Fact]
    public void NoWholeBlockOrNothingAboveTheGateIsMinusInfinity()
    {
        Assert.Equal(double.NegativeInfinity, GatedLoudness.Integrated([1, 1, 1], SegLen));
        Assert.Equal(double.NegativeInfinity, GatedLoudness.Integrated(new double[40], SegLen));
        Assert.Equal(double.NegativeInfinity, GatedLoudness.Integrated([], SegLen));
    }

    [Theory]
    [InlineData(48000, 4800)]
    [InlineData(44100, 4410)]
    [InlineData(16000, 1600)]
    [InlineData(22050, 2205)]
    [InlineData(11025, 1103)]
    public void SegmentIsOneTenthOfASecondRounded(int rate, int expected)
        => Assert.Equal(expected, LoudnessSegments.Length(rate));

    [Fact]
    public void LoudnessScaleRoundTrips()
    {
        Assert.Equal(-23, BlockLoudness.FromEnergy(BlockLoudness.ToEnergy(-23)), 1e-12);
        Assert.Equal(-0.691, BlockLoudness.FromEnergy(1), 1e-15);
        Assert.Equal(double.NegativeInfinity, BlockLoudness.FromEnergy(0));
    }

    [Fact]
    public void DecibelsConvertAmplitudes()
    {
        Assert.Equal(-6.0206, Decibels.FromAmplitude(0.5), 1e-4);
        Assert.Equal(0.5, Decibels.ToAmplitude(Decibels.FromAmplitude(0.5)), 1e-15);
        Assert.Equal(double.NegativeInfinity, Decibels.FromAmplitude(0));
        Assert.Equal(Math.Pow(10, -23 / 20.0), Decibels.ToAmplitude(-23), 1e-15);
    }
}
