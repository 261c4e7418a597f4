using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AudioGrains.Dsp;

/// <summary>
/// FFT of a real signal of power-of-two size n: the n/2 + 1 bins 0..n/2 of its DFT
/// (X[k] = Σ x[t]·e^(−2πikt/n), unscaled) as split real and imaginary parts, and the exact inverse.
/// The real input is packed as n/2 complex values z[j] = x[2j] + i·x[2j+1]; one complex FFT of size
/// N = n/2 and a split step (X[k] = E[k] + e^(−2πik/n)·O[k] from the even and odd halves' spectra)
/// give the spectrum, at about half the cost of a complex FFT of size n.
/// </summary>
/// <remarks>
/// The split step pairs Z[k] with Z[N − k]; with natural-order Z it runs four k at a time (the
/// partners loaded as one reversed vector). The vector and scalar forms do the same operations in
/// the same order, so results do not depend on which one runs. Holds scratch buffers: one instance
/// per thread.
/// </remarks>
public sealed class RealFft
{
    private readonly int _size;
    private readonly int _half;
    private readonly ComplexFft _fft;
    private readonly double[] _splitRe;  // e^(−2πik/n), k = 0 .. n/4
    private readonly double[] _splitIm;
    private readonly double[] _re, _im;  // the complex FFT's working arrays
    private readonly double[] _zr, _zi;  // Z in natural order

    public RealFft(int size)
    {
        if (size < 8 || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "The real FFT size must be a power of two >= 8.");
        _size = size;
        _half = size / 2;
        _fft = new ComplexFft(_half);
        // Padded by 4 so the reversed partner load of the last vector step stays inside.
        _splitRe = new double[_half / 2 + 4];
        _splitIm = new double[_half / 2 + 4];
        for (var k = 0; k <= _half / 2; k++) (_splitIm[k], _splitRe[k]) = Math.SinCos(-2 * Math.PI * k / size);
        _re = new double[_half];
        _im = new double[_half];
        _zr = new double[_half];
        _zi = new double[_half];
    }

    /// <summary>Transform size n (real samples in, n/2 + 1 bins out).</summary>
    public int Size => _size;

    /// <summary>n/2 + 1.</summary>
    public int Bins => _half + 1;

    /// <summary>Spectrum of <paramref name="input"/> (n samples) into bins 0..n/2; the imaginary parts of bins 0 and n/2 are 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<double> input, Span<double> re, Span<double> im)
    {
        if (input.Length != _size) throw new ArgumentException($"Expected {_size} samples, got {input.Length}.", nameof(input));
        CheckBins(re, im);
        Deinterleave(input, _re, _im);
        _fft.ForwardNatural(_re, _im, _zr, _zi);

        var n = _half;
        ref var zr = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref var zi = ref MemoryMarshal.GetArrayDataReference(_zi);
        ref var wr0 = ref MemoryMarshal.GetArrayDataReference(_splitRe);
        ref var wi0 = ref MemoryMarshal.GetArrayDataReference(_splitIm);
        ref var xr = ref MemoryMarshal.GetReference(re);
        ref var xi = ref MemoryMarshal.GetReference(im);
        // k = 0 and N/2 pair with themselves: X[0] = Re Z0 + Im Z0, X[N] = Re Z0 − Im Z0, X[N/2] = conj Z[N/2].
        xr = zr + zi; xi = 0;
        Unsafe.Add(ref xr, n) = zr - zi; Unsafe.Add(ref xi, n) = 0;
        Unsafe.Add(ref xr, n / 2) = Unsafe.Add(ref zr, n / 2); Unsafe.Add(ref xi, n / 2) = -Unsafe.Add(ref zi, n / 2);
        // E = (A + conj B)/2, O = (A − conj B)/(2i), T = W^k·O with A = Z[k], B = Z[N−k];
        // X[k] = E + T, X[N−k] = conj(E − T).
        var k = 1;
        if (Avx2.IsSupported)
        {
            var half = Vector256.Create(0.5);
            var minusHalf = Vector256.Create(-0.5);
            for (; k + 4 <= n / 2; k += 4)
            {
                var ar = Vector256.LoadUnsafe(ref zr, (nuint)k);
                var ai = Vector256.LoadUnsafe(ref zi, (nuint)k);
                var br = Reverse(Vector256.LoadUnsafe(ref zr, (nuint)(n - k - 3)));
                var bi = Reverse(Vector256.LoadUnsafe(ref zi, (nuint)(n - k - 3)));
                var er = half * (ar + br); var ei = half * (ai - bi);
                var or = half * (ai + bi); var oi = minusHalf * (ar - br);
                var wr = Vector256.LoadUnsafe(ref wr0, (nuint)k);
                var wi = Vector256.LoadUnsafe(ref wi0, (nuint)k);
                var tr = wr * or - wi * oi; var ti = wr * oi + wi * or;
                (er + tr).StoreUnsafe(ref xr, (nuint)k);
                (ei + ti).StoreUnsafe(ref xi, (nuint)k);
                Reverse(er - tr).StoreUnsafe(ref xr, (nuint)(n - k - 3));
                Reverse(ti - ei).StoreUnsafe(ref xi, (nuint)(n - k - 3));
            }
        }
        for (; k < n / 2; k++)
        {
            double ar = Unsafe.Add(ref zr, k), ai = Unsafe.Add(ref zi, k), br = Unsafe.Add(ref zr, n - k), bi = Unsafe.Add(ref zi, n - k);
            double er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
            double or = 0.5 * (ai + bi), oi = -0.5 * (ar - br);
            double wr = Unsafe.Add(ref wr0, k), wi = Unsafe.Add(ref wi0, k);
            double tr = wr * or - wi * oi, ti = wr * oi + wi * or;
            Unsafe.Add(ref xr, k) = er + tr; Unsafe.Add(ref xi, k) = ei + ti;
            Unsafe.Add(ref xr, n - k) = er - tr; Unsafe.Add(ref xi, n - k) = ti - ei;
        }
    }

    /// <summary>
    /// Exact inverse of <see cref="Forward"/> (1/n normalisation): the n real samples whose spectrum
    /// bins 0..n/2 are given. The imaginary parts of bins 0 and n/2 are ignored (taken as 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Inverse(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> output)
    {
        if (output.Length != _size) throw new ArgumentException($"Expected room for {_size} samples, got {output.Length}.", nameof(output));
        CheckBins(re, im);
        var n = _half;
        var scale = 1.0 / _size; // the 1/2 of the split and the 1/N of the inverse complex FFT
        ref var zr = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref var zi = ref MemoryMarshal.GetArrayDataReference(_zi);
        ref var wr0 = ref MemoryMarshal.GetArrayDataReference(_splitRe);
        ref var wi0 = ref MemoryMarshal.GetArrayDataReference(_splitIm);
        ref var xr = ref MemoryMarshal.GetReference(re);
        ref var xi = ref MemoryMarshal.GetReference(im);
        // Z[0] = E + iO with E = (X0 + XN)/2, O = (X0 − XN)/2 (both real); Z[N/2] = conj X[N/2].
        zr = scale * (xr + Unsafe.Add(ref xr, n));
        zi = scale * (xr - Unsafe.Add(ref xr, n));
        Unsafe.Add(ref zr, n / 2) = 2 * scale * Unsafe.Add(ref xr, n / 2);
        Unsafe.Add(ref zi, n / 2) = -2 * scale * Unsafe.Add(ref xi, n / 2);
        // 2E = X[k] + conj X[N−k], 2·W^k·O = X[k] − conj X[N−k]; Z[k] = E + iO, Z[N−k] = conj E + i·conj O.
        var k = 1;
        if (Avx2.IsSupported)
        {
            var vs = Vector256.Create(scale);
            for (; k + 4 <= n / 2; k += 4)
            {
                var ar = Vector256.LoadUnsafe(ref xr, (nuint)k);
                var ai = Vector256.LoadUnsafe(ref xi, (nuint)k);
                var br = Reverse(Vector256.LoadUnsafe(ref xr, (nuint)(n - k - 3)));
                var bi = Reverse(Vector256.LoadUnsafe(ref xi, (nuint)(n - k - 3)));
                var er = ar + br; var ei = ai - bi;
                var tr = ar - br; var ti = ai + bi;
                var wr = Vector256.LoadUnsafe(ref wr0, (nuint)k);
                var wi = Vector256.LoadUnsafe(ref wi0, (nuint)k);
                var or = tr * wr + ti * wi; var oi = ti * wr - tr * wi;
                (vs * (er - oi)).StoreUnsafe(ref zr, (nuint)k);
                (vs * (ei + or)).StoreUnsafe(ref zi, (nuint)k);
                Reverse(vs * (er + oi)).StoreUnsafe(ref zr, (nuint)(n - k - 3));
                Reverse(vs * (or - ei)).StoreUnsafe(ref zi, (nuint)(n - k - 3));
            }
        }
        for (; k < n / 2; k++)
        {
            double ar = Unsafe.Add(ref xr, k), ai = Unsafe.Add(ref xi, k), br = Unsafe.Add(ref xr, n - k), bi = Unsafe.Add(ref xi, n - k);
            double er = ar + br, ei = ai - bi;
            double tr = ar - br, ti = ai + bi;
            double wr = Unsafe.Add(ref wr0, k), wi = Unsafe.Add(ref wi0, k);
            double or = tr * wr + ti * wi, oi = ti * wr - tr * wi; // conj(W^k)·T
            Unsafe.Add(ref zr, k) = scale * (er - oi); Unsafe.Add(ref zi, k) = scale * (ei + or);
            Unsafe.Add(ref zr, n - k) = scale * (er + oi); Unsafe.Add(ref zi, n - k) = scale * (or - ei);
        }
        _fft.InverseNaturalUnscaled(_zr, _zi, _re, _im);
        Interleave(_re, _im, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Reverse(Vector256<double> v) => Avx2.Permute4x64(v, 0b00_01_10_11);

    /// <summary>z[j] = x[2j] + i·x[2j+1]: even samples to the real parts, odd to the imaginary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deinterleave(ReadOnlySpan<double> input, double[] even, double[] odd)
    {
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var e = ref MemoryMarshal.GetArrayDataReference(even);
        ref var o = ref MemoryMarshal.GetArrayDataReference(odd);
        var j = 0;
        if (Avx2.IsSupported)
        {
            // (x0..x3), (x4..x7) → unpack within 128-bit lanes → (x0,x4,x2,x6), (x1,x5,x3,x7) → permute to order.
            for (; j + 4 <= even.Length; j += 4)
            {
                var a = Vector256.LoadUnsafe(ref x, (nuint)(2 * j));
                var b = Vector256.LoadUnsafe(ref x, (nuint)(2 * j + 4));
                Avx2.Permute4x64(Avx.UnpackLow(a, b), 0b11_01_10_00).StoreUnsafe(ref e, (nuint)j);
                Avx2.Permute4x64(Avx.UnpackHigh(a, b), 0b11_01_10_00).StoreUnsafe(ref o, (nuint)j);
            }
        }
        for (; j < even.Length; j++)
        {
            Unsafe.Add(ref e, j) = Unsafe.Add(ref x, 2 * j);
            Unsafe.Add(ref o, j) = Unsafe.Add(ref x, 2 * j + 1);
        }
    }

    /// <summary>Inverse of <see cref="Deinterleave"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(double[] even, double[] odd, Span<double> output)
    {
        ref var x = ref MemoryMarshal.GetReference(output);
        ref var e = ref MemoryMarshal.GetArrayDataReference(even);
        ref var o = ref MemoryMarshal.GetArrayDataReference(odd);
        var j = 0;
        if (Avx2.IsSupported)
        {
            // (e0..e3), (o0..o3) → permute to (e0,e2,e1,e3), (o0,o2,o1,o3) → unpack → (e0,o0,e1,o1), (e2,o2,e3,o3).
            for (; j + 4 <= even.Length; j += 4)
            {
                var a = Avx2.Permute4x64(Vector256.LoadUnsafe(ref e, (nuint)j), 0b11_01_10_00);
                var b = Avx2.Permute4x64(Vector256.LoadUnsafe(ref o, (nuint)j), 0b11_01_10_00);
                Avx.UnpackLow(a, b).StoreUnsafe(ref x, (nuint)(2 * j));
                Avx.UnpackHigh(a, b).StoreUnsafe(ref x, (nuint)(2 * j + 4));
            }
        }
        for (; j < even.Length; j++)
        {
            Unsafe.Add(ref x, 2 * j) = Unsafe.Add(ref e, j);
            Unsafe.Add(ref x, 2 * j + 1) = Unsafe.Add(ref o, j);
        }
    }

    private void CheckBins(ReadOnlySpan<double> re, ReadOnlySpan<double> im)
    {
        if (re.Length != Bins || im.Length != Bins)
            throw new ArgumentException($"Expected {Bins} bins, got {re.Length} real and {im.Length} imaginary parts.");
    }
}
