namespace AudioGrains.Dsp.Tests;

public class MaskSmootherTests
{
    [Theory]
    [InlineData(16000, 1024, 500)]  // n_f = 16
    [InlineData(22050, 1024, 500)]  // n_f = 11
    [InlineData(16000, 1024, 100)]  // n_f = 3
    [InlineData(16000, 256, 700)]   // n_f = 5 on 129 bins
    [InlineData(8000, 4096, 2000)]  // n_f = 512, wider than half the bins
    public void FrequencyPassIsTheZeroPaddedTriangleConvolution(int rate, int fft, double hz)
    {
        var bins = fft / 2 + 1;
        var smoother = new MaskSmoother(rate, fft, 256, hz, 50, bins);
        var r = smoother.FrequencyRadius;
        Assert.Equal((int)(hz / (rate / (fft / 2.0))), r);
        var random = new Random(fft + r);
        var mask = new double[bins];
        for (var k = 0; k < bins; k++) mask[k] = random.NextDouble();
        var expected = new double[bins];
        var triangle = MaskSmoother.Triangle(r);
        for (var k = 0; k < bins; k++)
            for (var i = -r; i <= r; i++)
                if (k + i >= 0 && k + i < bins) expected[k] += triangle[i + r] * mask[k + i];
        smoother.SmoothFrequency(mask);
        for (var k = 0; k < bins; k++) Assert.Equal(expected[k], mask[k], 1e-13);
    }
}
