namespace AudioGrains.Dsp.Tests;

/// <summary>Per-bin power and magnitude of split spectra, every lane and the tail against the scalar formula.</summary>
public class ComplexBinsTests
{
    private const int Bins = 21; // whole vectors of any width up to 16, plus a tail

    private static (double[] Re, double[] Im) Spectrum(int seed)
    {
        var random = new Random(seed);
        double[] re = new double[Bins], im = new double[Bins];
        for (var k = 0; k < Bins; k++) (re[k], im[k]) = (random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1);
        re[3] = im[3] = 0; // an empty bin
        return (re, im);
    }

    [Fact]
    public void MagnitudeIsTheModulus()
    {
        var (re, im) = Spectrum(1);
        var target = new double[Bins];
        ComplexBins.Magnitude(re, im, target);
        for (var k = 0; k < Bins; k++) Assert.Equal(Math.Sqrt(re[k] * re[k] + im[k] * im[k]), target[k]);
        Assert.Equal(0, target[3]);
    }

    [Fact]
    public void PowerIsTheSquaredModulusInFloatAndLeavesThePaddingAlone()
    {
        var (re, im) = Spectrum(2);
        var power = new float[Bins + 3];
        ComplexBins.Power(re, im, power);
        for (var k = 0; k < Bins; k++) Assert.Equal((float)(re[k] * re[k] + im[k] * im[k]), power[k]);
        Assert.Equal([0f, 0f, 0f], power[Bins..]);
    }

    [Fact]
    public void AddPowerAccumulatesTheSquaredModulus()
    {
        var (re, im) = Spectrum(3);
        var sum = new double[Bins];
        ComplexBins.AddPower(re, im, sum);
        ComplexBins.AddPower(re, im, sum);
        for (var k = 0; k < Bins; k++)
        {
            var p = re[k] * re[k] + im[k] * im[k];
            Assert.Equal(p + p, sum[k]);
        }
    }

    [Fact]
    public void MaxPowerKeepsTheLargerOfTheRunningMaxAndThisFrame()
    {
        var (re, im) = Spectrum(4);
        var max = new double[Bins];
        for (var k = 0; k < Bins; k++) max[k] = k % 2 == 0 ? 0.5 : 0; // half the bins start above most powers
        double[] before = [.. max];
        ComplexBins.MaxPower(re, im, max);
        for (var k = 0; k < Bins; k++) Assert.Equal(Math.Max(re[k] * re[k] + im[k] * im[k], before[k]), max[k]);
    }
}
