namespace AudioGrains.Dsp.Tests;

public class SpectralGateOptionsTests
{
    [Fact]
    public void DefaultsAreThePythonServiceValues()
    {
        var o = new SpectralGateOptions();
        Assert.Equal(DenoiseMode.Stationary, o.Mode);
        Assert.Equal(0.8, o.Strength);
        Assert.Equal(1.5, o.ThresholdStd);
        Assert.Equal(500, o.FreqMaskSmoothHz);
        Assert.Equal(50, o.TimeMaskSmoothMs);
        Assert.Equal(1024, o.FftSize);
        Assert.Equal(256, o.Hop);
        Assert.Equal(2.0, o.TimeConstantSeconds);
        Assert.Equal(2, o.NonStationaryThresholdMultiplier);
        Assert.Equal(10, o.NonStationarySigmoidSlope);
        Assert.Null(o.BandLowHz);
        Assert.Null(o.BandHighHz);
        Assert.False(o.CentreExtraction);
        Assert.Same(o, o.Validated(16000));
    }

    public static TheoryData<SpectralGateOptions, string> Bad => new()
    {
        { new SpectralGateOptions { Strength = 1.2 }, "Strength 1.2" },
        { new SpectralGateOptions { Strength = double.NaN }, "Strength NaN" },
        { new SpectralGateOptions { FftSize = 1000 }, "FftSize 1000" },
        { new SpectralGateOptions { FftSize = 128, Hop = 32 }, "FftSize 128" },
        { new SpectralGateOptions { FftSize = 16384 }, "FftSize 16384" },
        { new SpectralGateOptions { Hop = 1024 }, "Hop 1024" },
        { new SpectralGateOptions { Hop = 300 }, "Hop 300" },
        { new SpectralGateOptions { Hop = 0 }, "Hop 0" },
        { new SpectralGateOptions { FreqMaskSmoothHz = -1 }, "FreqMaskSmoothHz -1" },
        { new SpectralGateOptions { TimeMaskSmoothMs = double.PositiveInfinity }, "TimeMaskSmoothMs" },
        { new SpectralGateOptions { TimeConstantSeconds = 0 }, "TimeConstantSeconds 0" },
        { new SpectralGateOptions { NonStationarySigmoidSlope = 0 }, "NonStationarySigmoidSlope 0" },
        { new SpectralGateOptions { ThresholdStd = double.NaN }, "ThresholdStd NaN" },
        { new SpectralGateOptions { BandLowHz = 0 }, "BandLowHz 0" },
        { new SpectralGateOptions { BandHighHz = 9000 }, "BandHighHz 9000" },
        { new SpectralGateOptions { BandLowHz = 3000, BandHighHz = 300 }, "BandLowHz 3000 must be below BandHighHz 300" },
        { new SpectralGateOptions { Mode = (DenoiseMode)7 }, "Mode 7" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void InvalidValuesAreNamed(SpectralGateOptions options, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => options.Validated(16000));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void BandEdgeMayBeNyquist() =>
        new SpectralGateOptions { BandLowHz = 80, BandHighHz = 8000 }.Validated(16000);
}
