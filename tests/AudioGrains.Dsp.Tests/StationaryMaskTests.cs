namespace AudioGrains.Dsp.Tests;

public class StationaryMaskTests
{
    [Fact]
    public void ThresholdIsMeanPlusNStdAsAMagnitudeOrMinusOneWhereTheFloorIsAbove()
    {
        const int bins = 3;
        var noise = new NoiseProfile(1, bins);
        foreach (var db in new[] { -60.0, -50, -40 }) noise.AddFrame(0, [db, db - 10, db + 30]); // mean −50, −60, −20 dB; std √(200/3)
        var maxima = new BinMaxima(1, bins);
        maxima.Channel(0)[0] = 1e-4;  // max −40 dB: floor −120 dB, below the threshold
        maxima.Channel(0)[1] = 1e-4;
        maxima.Channel(0)[2] = 1e12;  // max +120 dB: floor +40 dB, above −20 + 1.5·8.2 dB
        var thresholds = new double[bins];
        StationaryMask.Thresholds(maxima, noise, 1.5, thresholds);
        for (var k = 0; k < 2; k++) Assert.Equal(Math.Pow(10, (noise.Mean(0, k) + 1.5 * noise.Std(0, k)) / 20), thresholds[k]);
        Assert.Equal(-1, thresholds[2]);
        Assert.Throws<ArgumentException>(() => StationaryMask.Thresholds(maxima, new NoiseProfile(1, bins), 1.5, thresholds));
    }

    [Fact]
    public void ComputeGivesOnAboveTheThresholdAndOffAtOrBelow()
    {
        const int bins = 21; // whole vectors of any width up to 16, plus a tail
        double[] re = new double[bins], im = new double[bins], threshold = new double[bins], mask = new double[bins];
        var (on, off) = StationaryMask.Levels(0.8);
        Assert.Equal(1.0, on, 1e-15);
        Assert.Equal(0.2, off, 1e-15);
        for (var k = 0; k < bins; k++)
        {
            (re[k], im[k]) = (0.3, 0.4); // |X| = 0.5
            threshold[k] = (k % 3) switch { 0 => 0.4, 1 => 0.6, _ => -1 };
        }
        StationaryMask.Compute(re, im, threshold, on, off, mask);
        for (var k = 0; k < bins; k++) Assert.Equal(k % 3 == 1 ? off : on, mask[k]);
    }
}
