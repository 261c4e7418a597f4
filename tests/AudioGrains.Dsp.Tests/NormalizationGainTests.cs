namespace AudioGrains.Dsp.Tests;

public class NormalizationGainTests
{
    [Fact]
    public void ReachesTheTargetWhenThePeakAllows()
    {
        var gain = NormalizationGain.Compute(-30, -10, -23, -1);
        Assert.Equal(7, gain.GainDb);
        Assert.False(gain.PeakLimited);
        Assert.Equal(Math.Pow(10, 7 / 20.0), gain.Linear, 1e-15);
    }

    [Fact]
    public void IsCappedByTheTruePeakCeiling()
    {
        var gain = NormalizationGain.Compute(-30, -3, -23, -1);
        Assert.Equal(2, gain.GainDb);
        Assert.True(gain.PeakLimited);
    }

    [Fact]
    public void SilenceGetsNoGain()
        => Assert.Equal(new NormalizationGain(0, false), NormalizationGain.Compute(double.NegativeInfinity, double.NegativeInfinity, -23, -1));

    [Fact]
    public void ChunkingNoiseInTheTwelfthDecimalDoesNotChangeTheGain()
        => Assert.Equal(NormalizationGain.Compute(-30.123456789012, -5, -23, -1), NormalizationGain.Compute(-30.123456789013, -5, -23, -1));
}
