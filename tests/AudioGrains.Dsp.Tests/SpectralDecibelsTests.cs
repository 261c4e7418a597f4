namespace AudioGrains.Dsp.Tests;

public class SpectralDecibelsTests
{
    [Fact]
    public void FlooredIsTwentyLog10OfMagnitudePlusEpsAtLeastTheFloor()
    {
        const int bins = 21; // whole vectors of any width up to 16, plus a tail
        var random = new Random(5);
        double[] re = new double[bins], im = new double[bins], floor = new double[bins], db = new double[bins];
        for (var k = 0; k < bins; k++)
        {
            var scale = Math.Pow(10, -k / 2.0); // 0 dB down to −200 dB
            (re[k], im[k]) = (scale * (random.NextDouble() - 0.5), scale * (random.NextDouble() - 0.5));
            floor[k] = k % 3 == 0 ? -40 : -400;
        }
        re[7] = im[7] = 0; // empty: 20·log10(eps) ≈ −313 dB, above a −400 dB floor
        SpectralDecibels.Floored(re, im, floor, db);
        for (var k = 0; k < bins; k++)
        {
            var expected = Math.Max(SpectralDecibels.FromMagnitude(Math.Sqrt(re[k] * re[k] + im[k] * im[k])), floor[k]);
            Assert.Equal(expected, db[k], 1e-11); // ln × 20/ln 10 against log10: a few ulps
        }
        Assert.Equal(20 * Math.Log10(SpectralDecibels.Epsilon), db[7], 1e-11);
    }
}
