namespace AudioGrains.Dsp.Tests;

public class NonStationaryMaskTests
{
    private static double Sigmoid(double magnitude, double smooth, double multiplier, double slope) =>
        1 / (1 + Math.Exp(-((smooth > 0 ? (magnitude - smooth) / smooth : -1) - multiplier) * slope));

    [Fact]
    public void SigmoidOfTheRelativeExcessAndSilenceAsMinusOne()
    {
        const int bins = 21; // whole vectors of any width up to 16, plus a tail
        var random = new Random(7);
        double[] magnitude = new double[bins], smooth = new double[bins];
        for (var k = 0; k < bins; k++) (magnitude[k], smooth[k]) = (4 * random.NextDouble(), random.NextDouble());
        magnitude[5] = smooth[5] = 0; // digital silence
        double[] before = [.. magnitude];
        NonStationaryMask.Sigmoid(magnitude, smooth, 2, 10);
        for (var k = 0; k < bins; k++) Assert.Equal(Sigmoid(before[k], smooth[k], 2, 10), magnitude[k], 1e-14);
        Assert.Equal(1 / (1 + Math.Exp(30)), magnitude[5], 1e-20);
    }

    [Fact]
    public void RunIsForwardBackwardOnePoleThenSigmoid()
    {
        // One channel of 11 bins over frames [0, 9]; masks for [2, 6]. From frame 0, y[−1] = |X[0]|.
        const int bins = 11, frames = 10;
        const double b = 0.3;
        var random = new Random(8);
        var re = new double[frames][];
        var im = new double[frames][];
        for (var m = 0; m < frames; m++)
        {
            re[m] = [.. Enumerable.Range(0, bins).Select(_ => random.NextDouble() - 0.5)];
            im[m] = [.. Enumerable.Range(0, bins).Select(_ => random.NextDouble() - 0.5)];
        }
        var masks = new NonStationaryMask(1, bins, b, 0.5, 10);
        Assert.Equal(1, masks.Begin(0, frames - 1, 2, 6));
        masks.AddToStart(0, re[0], im[0]);
        masks.EndStart();
        for (var m = 0; m < frames; m++) masks.Forward(m, 0, re[m], im[m]);
        masks.Backward();

        for (var k = 0; k < bins; k++)
        {
            var x = Enumerable.Range(0, frames).Select(m => Math.Sqrt(re[m][k] * re[m][k] + im[m][k] * im[m][k])).ToArray();
            var y = new double[frames];
            for (var m = 0; m < frames; m++) y[m] = b * x[m] + (1 - b) * (m == 0 ? x[0] : y[m - 1]);
            var z = new double[frames];
            for (var m = frames - 1; m >= 0; m--) z[m] = b * y[m] + (1 - b) * (m == frames - 1 ? y[m] : z[m + 1]);
            for (var m = 2; m <= 6; m++) Assert.Equal(Sigmoid(x[m], z[m], 0.5, 10), masks.Masks(m)[k], 1e-14);
        }
    }

    [Fact]
    public void AChunkStartStateAveragesItsFirstCeilOneOverBFramesAtMost()
    {
        var masks = new NonStationaryMask(1, 1, 0.3, 0.5, 10);
        Assert.Equal(4, masks.Begin(100, 120, 105, 110)); // ⌈1/0.3⌉
        Assert.Equal(3, masks.Begin(100, 102, 100, 102)); // no more than the run holds
    }
}
