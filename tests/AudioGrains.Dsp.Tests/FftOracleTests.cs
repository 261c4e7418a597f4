using System.Numerics;
using MathNet.Numerics.IntegralTransforms;
using Xunit.Abstractions;

namespace AudioGrains.Dsp.Tests;

/// <summary>
/// Our complex and real FFTs checked against MathNet.Numerics' Fourier transforms (an independent
/// implementation, used only here) on seeded random frames. Conventions: our forward transforms are
/// unscaled with exponent −2πi (MathNet's <see cref="FourierOptions.Matlab"/> forward); the complex
/// inverse is unscaled (<see cref="FourierOptions.NoScaling"/>), the real inverse scales by 1/n
/// (<see cref="FourierOptions.Matlab"/> inverse). Errors are the largest absolute difference of a
/// bin or sample divided by the L2 norm of the frame the transform was applied to.
/// </summary>
public class FftOracleTests(ITestOutputHelper output)
{
    // A double-precision FFT of these sizes is good to a few 1e-16 of the frame's norm; 1e-13 leaves
    // a factor of about 100 for the other machine and the other library's rounding, and still fails
    // on any wrong twiddle, bin or scaling (those give errors of order 1).
    private const double Bound = 1e-13;

    public static TheoryData<int> ComplexSizes => [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

    public static TheoryData<int> RealSizes => [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

    [Theory]
    [MemberData(nameof(ComplexSizes))]
    public void ComplexForwardNaturalMatchesMathNetForward(int n)
    {
        var (re, im) = RandomComplex(n, seed: 1000 + n);
        var (expectedRe, expectedIm) = ((double[])re.Clone(), (double[])im.Clone());
        Fourier.Forward(expectedRe, expectedIm, FourierOptions.Matlab);

        var (outRe, outIm) = (new double[n], new double[n]);
        new ComplexFft(n).ForwardNatural((double[])re.Clone(), (double[])im.Clone(), outRe, outIm);

        var error = MaxComplexError(outRe, outIm, expectedRe, expectedIm) / Norm(re, im);
        output.WriteLine($"n={n}: max |ΔX| / ‖x‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |ΔX| / ‖x‖ = {error:E3}");
    }

    [Theory]
    [MemberData(nameof(ComplexSizes))]
    public void ComplexForwardInBitReversedOrderMatchesMathNetForward(int n)
    {
        var (re, im) = RandomComplex(n, seed: 2000 + n);
        var (expectedRe, expectedIm) = ((double[])re.Clone(), (double[])im.Clone());
        Fourier.Forward(expectedRe, expectedIm, FourierOptions.Matlab);

        var (r, i) = ((double[])re.Clone(), (double[])im.Clone());
        new ComplexFft(n).Forward(r, i);
        var (outRe, outIm) = (new double[n], new double[n]);
        for (var k = 0; k < n; k++) (outRe[k], outIm[k]) = (r[BitReverse(k, n)], i[BitReverse(k, n)]);

        var error = MaxComplexError(outRe, outIm, expectedRe, expectedIm) / Norm(re, im);
        output.WriteLine($"n={n}: max |ΔX| / ‖x‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |ΔX| / ‖x‖ = {error:E3}");
    }

    [Theory]
    [MemberData(nameof(ComplexSizes))]
    public void ComplexInverseNaturalUnscaledMatchesMathNetInverseWithoutScaling(int n)
    {
        var (re, im) = RandomComplex(n, seed: 3000 + n);
        var (expectedRe, expectedIm) = ((double[])re.Clone(), (double[])im.Clone());
        Fourier.Inverse(expectedRe, expectedIm, FourierOptions.NoScaling);

        var (outRe, outIm) = (new double[n], new double[n]);
        new ComplexFft(n).InverseNaturalUnscaled(re, im, outRe, outIm);

        var error = MaxComplexError(outRe, outIm, expectedRe, expectedIm) / Norm(re, im);
        output.WriteLine($"n={n}: max |Δx| / ‖X‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |Δx| / ‖X‖ = {error:E3}");
    }

    [Theory]
    [MemberData(nameof(ComplexSizes))]
    public void ComplexInverseFromBitReversedInputMatchesMathNetInverseWithoutScaling(int n)
    {
        var (re, im) = RandomComplex(n, seed: 4000 + n);
        var (expectedRe, expectedIm) = ((double[])re.Clone(), (double[])im.Clone());
        Fourier.Inverse(expectedRe, expectedIm, FourierOptions.NoScaling);

        var (r, i) = (new double[n], new double[n]);
        for (var k = 0; k < n; k++) (r[BitReverse(k, n)], i[BitReverse(k, n)]) = (re[k], im[k]);
        new ComplexFft(n).InverseUnscaled(r, i);

        var error = MaxComplexError(r, i, expectedRe, expectedIm) / Norm(re, im);
        output.WriteLine($"n={n}: max |Δx| / ‖X‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |Δx| / ‖X‖ = {error:E3}");
    }

    [Theory]
    [MemberData(nameof(RealSizes))]
    public void RealForwardMatchesMathNetComplexForwardOfTheSameFrameIncludingDcAndNyquist(int n)
    {
        var x = RealFftTests.RandomSignal(n, seed: 5000 + n);
        var (expectedRe, expectedIm) = ((double[])x.Clone(), new double[n]);
        Fourier.Forward(expectedRe, expectedIm, FourierOptions.Matlab);

        var fft = new RealFft(n);
        var (re, im) = (new double[fft.Bins], new double[fft.Bins]);
        fft.Forward(x, re, im);

        var norm = Norm(x);
        var error = MaxComplexError(re, im, expectedRe.AsSpan(0, n / 2 + 1), expectedIm.AsSpan(0, n / 2 + 1)) / norm;
        var dc = Math.Abs(re[0] - expectedRe[0]) / norm;
        var nyquist = Math.Abs(re[n / 2] - expectedRe[n / 2]) / norm;
        output.WriteLine($"n={n}: max |ΔX| / ‖x‖ = {error:E2} (DC {dc:E2}, Nyquist {nyquist:E2})");
        Assert.True(error < Bound, $"n={n}: max |ΔX| / ‖x‖ = {error:E3}");
        // DC and Nyquist are real for a real frame: ours stores exact zeros, MathNet gets rounding noise.
        Assert.Equal(0, im[0]);
        Assert.Equal(0, im[n / 2]);
        Assert.True(Math.Abs(expectedIm[0]) < Bound * norm && Math.Abs(expectedIm[n / 2]) < Bound * norm);
        // A wrong DC or Nyquist packing (e.g. swapped, or Re Z0 ± Im Z0 mixed up) is of the order of ‖x‖.
        Assert.True(dc < Bound && nyquist < Bound, $"n={n}: DC {dc:E3}, Nyquist {nyquist:E3}");
    }

    [Theory]
    [MemberData(nameof(RealSizes))]
    public void RealForwardMatchesMathNetPackedForwardReal(int n)
    {
        var x = RealFftTests.RandomSignal(n, seed: 6000 + n);
        var packed = new double[n + 2]; // MathNet's packing for even n: Re X0, Im X0, Re X1, Im X1, …, Re X(n/2), Im X(n/2)
        x.CopyTo(packed, 0);
        Fourier.ForwardReal(packed, n, FourierOptions.Matlab);

        var fft = new RealFft(n);
        var (re, im) = (new double[fft.Bins], new double[fft.Bins]);
        fft.Forward(x, re, im);

        var (expectedRe, expectedIm) = (new double[fft.Bins], new double[fft.Bins]);
        for (var k = 0; k <= n / 2; k++) (expectedRe[k], expectedIm[k]) = (packed[2 * k], packed[2 * k + 1]);
        var error = MaxComplexError(re, im, expectedRe, expectedIm) / Norm(x);
        output.WriteLine($"n={n}: max |ΔX| / ‖x‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |ΔX| / ‖x‖ = {error:E3}");
    }

    [Theory]
    [MemberData(nameof(RealSizes))]
    public void RealInverseMatchesMathNetInverseOfTheHermitianSpectrumAndIgnoresImaginaryDcAndNyquist(int n)
    {
        // Random bins 0..n/2, with junk in the imaginary parts of DC and Nyquist that ours must ignore;
        // MathNet gets the full conjugate-symmetric spectrum with those parts zeroed.
        var random = new Random(7000 + n);
        var bins = n / 2 + 1;
        var (re, im) = (new double[bins], new double[bins]);
        for (var k = 0; k < bins; k++) (re[k], im[k]) = (2 * random.NextDouble() - 1, 2 * random.NextDouble() - 1);
        var (fullRe, fullIm) = (new double[n], new double[n]);
        for (var k = 0; k < bins; k++) (fullRe[k], fullIm[k]) = (re[k], k == 0 || k == n / 2 ? 0 : im[k]);
        for (var k = 1; k < n / 2; k++) (fullRe[n - k], fullIm[n - k]) = (re[k], -im[k]);
        var spectrumNorm = Norm(fullRe, fullIm);
        Fourier.Inverse(fullRe, fullIm, FourierOptions.Matlab);

        var y = new double[n];
        new RealFft(n).Inverse(re, im, y);

        // Against the frame's norm: with the 1/n scaling, ‖x‖ = ‖X‖ / √n.
        var norm = spectrumNorm / Math.Sqrt(n);
        var error = 0.0;
        for (var t = 0; t < n; t++) error = Math.Max(error, Math.Abs(y[t] - fullRe[t]));
        error /= norm;
        output.WriteLine($"n={n}: max |Δx| / ‖x‖ = {error:E2}");
        Assert.True(error < Bound, $"n={n}: max |Δx| / ‖x‖ = {error:E3}");
        // The oracle's output is real (the spectrum was conjugate-symmetric), so the comparison is whole.
        Assert.True(fullIm.Max(Math.Abs) < Bound * norm);
    }

    [Theory]
    [MemberData(nameof(RealSizes))]
    public void RealRoundTripsAcrossTheTwoLibrariesReturnTheFrame(int n)
    {
        var x = RealFftTests.RandomSignal(n, seed: 8000 + n);
        var norm = Norm(x);
        var fft = new RealFft(n);
        var (re, im) = (new double[fft.Bins], new double[fft.Bins]);

        // Ours forward, MathNet inverse (packed real).
        fft.Forward(x, re, im);
        var packed = new double[n + 2];
        for (var k = 0; k <= n / 2; k++) (packed[2 * k], packed[2 * k + 1]) = (re[k], im[k]);
        Fourier.InverseReal(packed, n, FourierOptions.Matlab);
        var oursThenMathNet = MaxError(packed.AsSpan(0, n), x) / norm;

        // MathNet forward (packed real), ours inverse.
        Array.Clear(packed);
        x.CopyTo(packed, 0);
        Fourier.ForwardReal(packed, n, FourierOptions.Matlab);
        for (var k = 0; k <= n / 2; k++) (re[k], im[k]) = (packed[2 * k], packed[2 * k + 1]);
        var y = new double[n];
        fft.Inverse(re, im, y);
        var mathNetThenOurs = MaxError(y, x) / norm;

        // Ours both ways.
        fft.Forward(x, re, im);
        fft.Inverse(re, im, y);
        var oursBothWays = MaxError(y, x) / norm;

        output.WriteLine($"n={n}: ours→MathNet {oursThenMathNet:E2}, MathNet→ours {mathNetThenOurs:E2}, ours→ours {oursBothWays:E2}");
        Assert.True(oursThenMathNet < Bound, $"n={n}: ours forward, MathNet inverse: {oursThenMathNet:E3}");
        Assert.True(mathNetThenOurs < Bound, $"n={n}: MathNet forward, ours inverse: {mathNetThenOurs:E3}");
        Assert.True(oursBothWays < Bound, $"n={n}: ours both ways: {oursBothWays:E3}");
    }

    private static (double[] Re, double[] Im) RandomComplex(int n, int seed)
    {
        var random = new Random(seed);
        var (re, im) = (new double[n], new double[n]);
        for (var i = 0; i < n; i++) (re[i], im[i]) = (2 * random.NextDouble() - 1, 2 * random.NextDouble() - 1);
        return (re, im);
    }

    private static int BitReverse(int k, int n)
    {
        var bits = BitOperations.Log2((uint)n);
        var r = 0;
        for (var b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
        return r;
    }

    private static double MaxComplexError(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> expectedRe, ReadOnlySpan<double> expectedIm)
    {
        Assert.Equal(expectedRe.Length, re.Length);
        var max = 0.0;
        for (var k = 0; k < re.Length; k++) max = Math.Max(max, Math.Sqrt(Square(re[k] - expectedRe[k]) + Square(im[k] - expectedIm[k])));
        return max;
    }

    private static double MaxError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        var max = 0.0;
        for (var t = 0; t < expected.Length; t++) max = Math.Max(max, Math.Abs(actual[t] - expected[t]));
        return max;
    }

    private static double Norm(double[] re, double[]? im = null)
    {
        var sum = 0.0;
        for (var i = 0; i < re.Length; i++) sum += re[i] * re[i] + (im is null ? 0 : im[i] * im[i]);
        return Math.Sqrt(sum);
    }

    private static double Square(double v) => v * v;
}
