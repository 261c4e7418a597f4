namespace AudioGrains.Dsp.Tests;

public class RealFftTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void ForwardMatchesANaiveDft(int n)
    {
        var x = RandomSignal(n, seed: n);
        var fft = new RealFft(n);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        fft.Forward(x, re, im);

        var scale = 0.0;
        foreach (var v in x) scale += Math.Abs(v);
        for (var k = 0; k <= n / 2; k++)
        {
            // Exact angles: reduce k·t mod n before the trigonometry.
            double sr = 0, si = 0;
            for (var t = 0; t < n; t++)
            {
                var (s, c) = Math.SinCos(-2 * Math.PI * ((long)k * t % n) / n);
                sr += x[t] * c;
                si += x[t] * s;
            }
            Assert.True(Math.Abs(re[k] - sr) < 1e-12 * scale, $"n={n} bin {k}: re {re[k]} vs {sr}");
            Assert.True(Math.Abs(im[k] - si) < 1e-12 * scale, $"n={n} bin {k}: im {im[k]} vs {si}");
        }
        Assert.Equal(0, im[0]);
        Assert.Equal(0, im[n / 2]);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(8192)]
    public void InverseUndoesForward(int n)
    {
        var x = RandomSignal(n, seed: 7 * n);
        var fft = new RealFft(n);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        var y = new double[n];
        fft.Forward(x, re, im);
        fft.Inverse(re, im, y);
        for (var t = 0; t < n; t++) Assert.True(Math.Abs(y[t] - x[t]) < 1e-14, $"n={n} t={t}: {y[t]} vs {x[t]}");
    }

    [Fact]
    public void InverseOfASingleBinIsACosine()
    {
        const int n = 64;
        var fft = new RealFft(n);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        re[5] = n / 2.0; // X[5] = X[n−5]* = n/2  ⇒  x = cos(2π·5t/n)
        var y = new double[n];
        fft.Inverse(re, im, y);
        for (var t = 0; t < n; t++) Assert.Equal(Math.Cos(2 * Math.PI * (5 * t % n) / n), y[t], 1e-14);
    }

    [Fact]
    public void RejectsSizesThatAreNotPowersOfTwo()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(4));
    }

    internal static double[] RandomSignal(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n];
        for (var t = 0; t < n; t++) x[t] = random.NextDouble() * 2 - 1;
        return x;
    }
}

public class ComplexFftTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(512)]
    [InlineData(2048)]
    public void AvxLastStagesComputeWhatTheScalarOnesDo(int n)
    {
        if (!System.Runtime.Intrinsics.X86.Avx.IsSupported) return;
        var fft = new ComplexFft(n);
        var random = new Random(n);
        var re = new double[n];
        var im = new double[n];
        for (var i = 0; i < n; i++) (re[i], im[i]) = (random.NextDouble() - 0.5, random.NextDouble() - 0.5);
        var (re2, im2) = ((double[])re.Clone(), (double[])im.Clone());
        fft.ForwardLastEight(re, im);
        fft.ForwardLastEightAvx(re2, im2);
        Assert.Equal(re, re2);
        Assert.Equal(im, im2);
        fft.InverseFirstEight(re, im);
        fft.InverseFirstEightAvx(re2, im2);
        Assert.Equal(re, re2);
        Assert.Equal(im, im2);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(4096)]
    public void NaturalOrderPathsEqualBitReversalThenPermutation(int n)
    {
        var fft = new ComplexFft(n);
        var bits = System.Numerics.BitOperations.Log2((uint)n);
        static int Reverse(int k, int bits) { var r = 0; for (var b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b); return r; }
        var random = new Random(n);
        var re = new double[n];
        var im = new double[n];
        for (var i = 0; i < n; i++) (re[i], im[i]) = (random.NextDouble() - 0.5, random.NextDouble() - 0.5);

        var (r1, i1) = ((double[])re.Clone(), (double[])im.Clone());
        fft.Forward(r1, i1);
        var (r2, i2, outRe, outIm) = ((double[])re.Clone(), (double[])im.Clone(), new double[n], new double[n]);
        fft.ForwardNatural(r2, i2, outRe, outIm);
        for (var k = 0; k < n; k++)
        {
            Assert.Equal(r1[Reverse(k, bits)], outRe[k]);
            Assert.Equal(i1[Reverse(k, bits)], outIm[k]);
        }

        var (r3, i3) = (new double[n], new double[n]);
        for (var k = 0; k < n; k++) (r3[Reverse(k, bits)], i3[Reverse(k, bits)]) = (re[k], im[k]);
        fft.InverseUnscaled(r3, i3);
        var (r4, i4) = (new double[n], new double[n]);
        fft.InverseNaturalUnscaled(re, im, r4, i4);
        Assert.Equal(r3, r4);
        Assert.Equal(i3, i4);
    }
}
