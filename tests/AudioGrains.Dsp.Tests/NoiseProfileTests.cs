namespace AudioGrains.Dsp.Tests;

public class NoiseProfileTests
{
    [Fact]
    public void MeanAndStdAreThePopulationStatisticsOfTheQuantisedDecibels()
    {
        const int bins = 13;
        var profile = new NoiseProfile(2, bins);
        var random = new Random(3);
        var values = new List<double[]>[] { [], [] };
        for (var frame = 0; frame < 50; frame++)
            for (var c = 0; c < 2; c++)
            {
                var db = new double[bins];
                for (var k = 0; k < bins; k++) db[k] = -60 + 20 * random.NextDouble() - 30 * c;
                db[0] = -2000; // clamped to −1024
                profile.AddFrame(c, db);
                values[c].Add(db);
            }
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(50, profile.Count(c));
            for (var k = 0; k < bins; k++)
            {
                var x = values[c].Select(v => Math.Max(v[k], -1024)).ToArray();
                var mean = x.Average();
                var std = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
                Assert.Equal(mean, profile.Mean(c, k), 1e-6);   // quantum 2^−20 dB ≈ 1e-6
                Assert.Equal(std, profile.Std(c, k), 1e-6);
            }
        }
        Assert.Equal(-1024, profile.Mean(0, 0));
        Assert.Equal(0, profile.Std(0, 0));
    }

    [Fact]
    public void MergeIsExactWhateverTheSplit()
    {
        const int bins = 9;
        var random = new Random(5);
        var frames = new double[40][];
        for (var f = 0; f < frames.Length; f++)
        {
            frames[f] = new double[bins];
            for (var k = 0; k < bins; k++) frames[f][k] = -300 + 400 * random.NextDouble();
        }
        var whole = new NoiseProfile(1, bins);
        foreach (var f in frames) whole.AddFrame(0, f);
        foreach (var splits in new[] { new[] { 1, 39 }, [7, 7, 26], [3, 5, 11, 13, 8], [40] })
        {
            NoiseProfile? merged = null;
            var at = 0;
            foreach (var length in splits)
            {
                var part = new NoiseProfile(1, bins);
                for (var i = 0; i < length; i++) part.AddFrame(0, frames[at++]);
                if (merged is null) merged = part; else merged.Merge(part);
            }
            Assert.Equal(whole.ToArray(), merged!.ToArray());
            for (var k = 0; k < bins; k++)
            {
                Assert.Equal(whole.Mean(0, k), merged.Mean(0, k));
                Assert.Equal(whole.Std(0, k), merged.Std(0, k));
            }
        }
    }

    [Fact]
    public void EmptyProfileHasNoStatistics()
    {
        var profile = new NoiseProfile(1, 4);
        Assert.True(double.IsNaN(profile.Mean(0, 0)));
        Assert.True(double.IsNaN(profile.Std(0, 0)));
        var gate = new SpectralGate(new SpectralGateOptions { FftSize = 256, Hop = 64 }, 16000, 1);
        var x = new double[4000];
        var ex = Assert.Throws<ArgumentException>(() =>
            gate.Process(new SignalWindow(x, 1, 0, x.Length), 0, x.Length, new BinMaxima(1, 129), new NoiseProfile(1, 129), new double[x.Length]));
        Assert.Contains("no frames", ex.Message);
        Assert.Throws<ArgumentNullException>(() => gate.Process(new SignalWindow(x, 1, 0, x.Length), 0, x.Length, null, null, new double[x.Length]));
    }
}
