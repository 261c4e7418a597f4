using AudioGrains.Abstractions;
using AudioGrains.Dsp;

namespace AudioGrains.Grains.Tests;

public sealed class NormalizationGainTests
{
    [Fact]
    public void Gain_reaches_the_target_when_the_peak_allows()
    {
        var g = NormalizationGain.Compute(-30, -10, -23, -1);
        Assert.Equal(7, g.GainDb, 6);
        Assert.False(g.PeakLimited);
    }

    [Fact]
    public void Gain_is_capped_by_the_true_peak_ceiling_and_says_so()
    {
        var g = NormalizationGain.Compute(-40, -3, -23, -1);
        Assert.Equal(2, g.GainDb, 6);
        Assert.True(g.PeakLimited);
        Assert.True(-3 + g.GainDb <= -1, "never over the ceiling");
    }

    [Fact]
    public void Silence_gets_no_gain()
    {
        var g = NormalizationGain.Compute(double.NegativeInfinity, double.NegativeInfinity, -23, -1);
        Assert.Equal(0, g.GainDb);
        Assert.Equal(1, g.Linear);
    }

    [Theory]
    [InlineData(-23.0000000000001)]
    [InlineData(-22.9999999999999)]
    public void Loudness_noise_in_the_twelfth_decimal_does_not_change_the_gain(double loudness)
    {
        Assert.Equal(NormalizationGain.Compute(-23, -20, -16, -1).GainDb, NormalizationGain.Compute(loudness, -20, -16, -1).GainDb);
    }

    [Fact]
    public void Options_validation_names_the_bad_value()
    {
        var e = Assert.Throws<AudioGrainsException>(() => new NormalizeOptions { ChunkSeconds = 0 }.Validated());
        Assert.Equal(ErrorCodes.InvalidOptions, e.Code);
        Assert.Contains("chunk", e.Message);
        new NormalizeOptions().Validated();
    }
}
