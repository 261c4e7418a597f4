using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AudioGrains.Dsp;

/// <summary>
/// Complex FFT of a power-of-two size on split real and imaginary arrays (the layout that lets a
/// butterfly stage run on <see cref="Vector{T}"/> lanes). Forward is decimation in frequency, in
/// place, output in bit-reversed order; the inverse is its exact adjoint (decimation in time,
/// conjugate twiddles), bit-reversed input, natural-order output, unnormalised. The natural-order
/// entry points <see cref="ForwardNatural"/> and <see cref="InverseNaturalUnscaled"/> fold the
/// bit reversal into the radix-8 end of the transform (a scatter or gather of 4-lane vectors)
/// where they can, and permute separately where not.
/// </summary>
/// <remarks>
/// Radix-4 stages (3 complex multiplies per 4 points); when log2(size) is odd the last radix-4
/// stage (quarter 2) and the final radix-2 stage run together on blocks of 8, four blocks at a time
/// across the lanes of a Vector256 (AVX). Twiddles are tabulated per stage from
/// <see cref="Math.SinCos"/> of the exact angle, not by recurrence. Every operation is a lane-wise
/// multiply or add, never fused, and the vector and scalar forms of a stage do the same operations
/// in the same order, so results do not depend on the vector width of the machine (tested).
/// </remarks>
internal sealed class ComplexFft
{
    private readonly int _size;
    private readonly int[] _quarters; // radix-4 stages, largest first
    private readonly int[] _offsets;  // per stage: start of its twiddles
    private readonly double[] _w1Re, _w1Im, _w2Re, _w2Im, _w3Re, _w3Im;
    private readonly bool _finalRadix2;
    private readonly int[] _bitReversed;

    public ComplexFft(int size)
    {
        if (size < 4 || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "The complex FFT size must be a power of two >= 4.");
        _size = size;
        var log2 = BitOperations.Log2((uint)size);
        _finalRadix2 = log2 % 2 == 1;
        var stages = log2 / 2;
        _quarters = new int[stages];
        _offsets = new int[stages];
        var total = 0;
        for (var s = 0; s < stages; s++)
        {
            _quarters[s] = size >> (2 * s + 2);
            _offsets[s] = total;
            total += _quarters[s];
        }
        _bitReversed = new int[size];
        for (var k = 0; k < size; k++)
        {
            var r = 0;
            for (var b = 0; b < log2; b++) r |= ((k >> b) & 1) << (log2 - 1 - b);
            _bitReversed[k] = r;
        }
        _w1Re = new double[total]; _w1Im = new double[total];
        _w2Re = new double[total]; _w2Im = new double[total];
        _w3Re = new double[total]; _w3Im = new double[total];
        for (var s = 0; s < stages; s++)
        {
            var q = _quarters[s];
            for (var j = 0; j < q; j++)
            {
                // W = exp(−2πi/(4q)); entries W^j, W^2j, W^3j.
                var i = _offsets[s] + j;
                (_w1Im[i], _w1Re[i]) = Math.SinCos(-2 * Math.PI * j / (4.0 * q));
                (_w2Im[i], _w2Re[i]) = Math.SinCos(-2 * Math.PI * (2 * j) / (4.0 * q));
                (_w3Im[i], _w3Re[i]) = Math.SinCos(-2 * Math.PI * (3 * j) / (4.0 * q));
            }
        }
    }

    public int Size => _size;

    /// <summary>Forward DFT (exponent −2πi), in place; the output is in bit-reversed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(Span<double> re, Span<double> im)
    {
        CheckLength(re, im);
        for (var s = 0; s < _quarters.Length; s++)
        {
            var q = _quarters[s];
            if (q == 2)
            {
                // Odd log2(size): the quarter-2 stage is the last radix-4 one, merged with the radix-2 end.
                if (Avx.IsSupported) ForwardLastEightAvx(re, im); else ForwardLastEight(re, im);
            }
            else if (q == 1) Radix4NoTwiddle(re, im, forward: true);
            else if (q >= Vector<double>.Count) ForwardStageVector(re, im, q, _offsets[s]);
            else ForwardStageScalar(re, im, q, _offsets[s]);
        }
    }

    /// <summary>
    /// Adjoint of <see cref="Forward"/>: takes bit-reversed input, returns natural order, and
    /// computes size × the inverse DFT (exponent +2πi) in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void InverseUnscaled(Span<double> re, Span<double> im)
    {
        CheckLength(re, im);
        for (var s = _quarters.Length - 1; s >= 0; s--)
        {
            var q = _quarters[s];
            if (q == 2)
            {
                if (Avx.IsSupported) InverseFirstEightAvx(re, im); else InverseFirstEight(re, im);
            }
            else if (q == 1) Radix4NoTwiddle(re, im, forward: false);
            else if (q >= Vector<double>.Count) InverseStageVector(re, im, q, _offsets[s]);
            else InverseStageScalar(re, im, q, _offsets[s]);
        }
    }

    /// <summary>
    /// <see cref="Forward"/> with the output in natural order in <paramref name="outRe"/>,
    /// <paramref name="outIm"/> (<paramref name="re"/>, <paramref name="im"/> are overwritten). With
    /// AVX2 and an odd log2(size) the last stage stores each result straight to its natural place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ForwardNatural(Span<double> re, Span<double> im, Span<double> outRe, Span<double> outIm)
    {
        CheckLength(re, im);
        CheckLength(outRe, outIm);
        if (!ScattersLastStage)
        {
            Forward(re, im);
            ref var r = ref MemoryMarshal.GetReference(re);
            ref var m = ref MemoryMarshal.GetReference(im);
            ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReversed);
            for (var k = 0; k < _size; k++)
            {
                var from = Unsafe.Add(ref rev, k);
                outRe[k] = Unsafe.Add(ref r, from);
                outIm[k] = Unsafe.Add(ref m, from);
            }
            return;
        }
        for (var s = 0; s < _quarters.Length - 1; s++)
        {
            var q = _quarters[s];
            if (q >= Vector<double>.Count) ForwardStageVector(re, im, q, _offsets[s]);
            else ForwardStageScalar(re, im, q, _offsets[s]);
        }
        ForwardLastEightScatter(re, im, outRe, outIm);
    }

    /// <summary>
    /// <see cref="InverseUnscaled"/> from natural-order input <paramref name="inRe"/>,
    /// <paramref name="inIm"/>; the result (natural order) is left in <paramref name="re"/>, <paramref name="im"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void InverseNaturalUnscaled(ReadOnlySpan<double> inRe, ReadOnlySpan<double> inIm, Span<double> re, Span<double> im)
    {
        CheckLength(re, im);
        if (inRe.Length != _size || inIm.Length != _size) throw new ArgumentException($"Expected {_size} real and imaginary parts, got {inRe.Length} and {inIm.Length}.");
        if (!ScattersLastStage)
        {
            ref var r = ref MemoryMarshal.GetReference(re);
            ref var m = ref MemoryMarshal.GetReference(im);
            ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReversed);
            for (var k = 0; k < _size; k++)
            {
                var to = Unsafe.Add(ref rev, k);
                Unsafe.Add(ref r, to) = inRe[k];
                Unsafe.Add(ref m, to) = inIm[k];
            }
            InverseUnscaled(re, im);
            return;
        }
        InverseFirstEightGather(inRe, inIm, re, im);
        for (var s = _quarters.Length - 2; s >= 0; s--)
        {
            var q = _quarters[s];
            if (q >= Vector<double>.Count) InverseStageVector(re, im, q, _offsets[s]);
            else InverseStageScalar(re, im, q, _offsets[s]);
        }
    }

    /// <summary>The AVX2 path that fuses the bit reversal into the radix-8 end: odd log2(size), at least 4 blocks of 8 per lane group.</summary>
    internal bool ScattersLastStage => Avx2.IsSupported && _finalRadix2 && _size >= 32;

    private void CheckLength(Span<double> re, Span<double> im)
    {
        if (re.Length != _size || im.Length != _size)
            throw new ArgumentException($"Expected {_size} real and imaginary parts, got {re.Length} and {im.Length}.");
    }

    // DIF radix-4 butterfly, a_k at j + kq:
    //   y0 = (a0 + a2) + (a1 + a3)                 y1 = W^2j ((a0 + a2) − (a1 + a3))
    //   y2 = W^j ((a0 − a2) − i(a1 − a3))          y3 = W^3j ((a0 − a2) + i(a1 − a3))
    // which is two radix-2 DIF stages merged, so the output order is still plain bit reversal.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardStageVector(Span<double> re, Span<double> im, int q, int offset)
    {
        var qv = q / Vector<double>.Count;
        ref var w1r = ref AsVectors(_w1Re, offset); ref var w1i = ref AsVectors(_w1Im, offset);
        ref var w2r = ref AsVectors(_w2Re, offset); ref var w2i = ref AsVectors(_w2Im, offset);
        ref var w3r = ref AsVectors(_w3Re, offset); ref var w3i = ref AsVectors(_w3Im, offset);
        ref var vr = ref Unsafe.As<double, Vector<double>>(ref MemoryMarshal.GetReference(re));
        ref var vi = ref Unsafe.As<double, Vector<double>>(ref MemoryMarshal.GetReference(im));
        var vectors = _size / Vector<double>.Count;
        for (var g = 0; g < vectors; g += 4 * qv)
        {
            for (var j = 0; j < qv; j++)
            {
                ref var r0 = ref Unsafe.Add(ref vr, g + j); ref var i0 = ref Unsafe.Add(ref vi, g + j);
                ref var r1 = ref Unsafe.Add(ref r0, qv); ref var i1 = ref Unsafe.Add(ref i0, qv);
                ref var r2 = ref Unsafe.Add(ref r1, qv); ref var i2 = ref Unsafe.Add(ref i1, qv);
                ref var r3 = ref Unsafe.Add(ref r2, qv); ref var i3 = ref Unsafe.Add(ref i2, qv);
                var sr = r0 + r2; var si = i0 + i2;
                var dr = r0 - r2; var di = i0 - i2;
                var tr = r1 + r3; var ti = i1 + i3;
                var ur = r1 - r3; var ui = i1 - i3;
                r0 = sr + tr; i0 = si + ti;
                var br = sr - tr; var bi = si - ti;
                Vector<double> c2 = Unsafe.Add(ref w2r, j), s2 = Unsafe.Add(ref w2i, j);
                r1 = br * c2 - bi * s2; i1 = br * s2 + bi * c2;
                // (d − i·u) and (d + i·u): −i·u = (ui, −ur)
                var cr = dr + ui; var ci = di - ur;
                Vector<double> c1 = Unsafe.Add(ref w1r, j), s1 = Unsafe.Add(ref w1i, j);
                r2 = cr * c1 - ci * s1; i2 = cr * s1 + ci * c1;
                var er = dr - ui; var ei = di + ur;
                Vector<double> c3 = Unsafe.Add(ref w3r, j), s3 = Unsafe.Add(ref w3i, j);
                r3 = er * c3 - ei * s3; i3 = er * s3 + ei * c3;
            }
        }
    }

    private static ref Vector<double> AsVectors(double[] table, int offset) =>
        ref Unsafe.As<double, Vector<double>>(ref table[offset]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardStageScalar(Span<double> re, Span<double> im, int q, int offset)
    {
        for (var g = 0; g < _size; g += 4 * q)
        {
            for (var j = 0; j < q; j++)
            {
                int i0 = g + j, i1 = i0 + q, i2 = i1 + q, i3 = i2 + q, w = offset + j;
                var sr = re[i0] + re[i2]; var si = im[i0] + im[i2];
                var dr = re[i0] - re[i2]; var di = im[i0] - im[i2];
                var tr = re[i1] + re[i3]; var ti = im[i1] + im[i3];
                var ur = re[i1] - re[i3]; var ui = im[i1] - im[i3];
                re[i0] = sr + tr; im[i0] = si + ti;
                var br = sr - tr; var bi = si - ti;
                re[i1] = br * _w2Re[w] - bi * _w2Im[w]; im[i1] = br * _w2Im[w] + bi * _w2Re[w];
                var cr = dr + ui; var ci = di - ur;
                re[i2] = cr * _w1Re[w] - ci * _w1Im[w]; im[i2] = cr * _w1Im[w] + ci * _w1Re[w];
                var er = dr - ui; var ei = di + ur;
                re[i3] = er * _w3Re[w] - ei * _w3Im[w]; im[i3] = er * _w3Im[w] + ei * _w3Re[w];
            }
        }
    }

    // Adjoint of the DIF butterfly: with v1 = conj(W^2j) y1, v2 = conj(W^j) y2, v3 = conj(W^3j) y3,
    //   a0 = (y0 + v1) + (v2 + v3)      a2 = (y0 + v1) − (v2 + v3)
    //   a1 = (y0 − v1) + i(v2 − v3)     a3 = (y0 − v1) − i(v2 − v3)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InverseStageVector(Span<double> re, Span<double> im, int q, int offset)
    {
        var qv = q / Vector<double>.Count;
        ref var w1r = ref AsVectors(_w1Re, offset); ref var w1i = ref AsVectors(_w1Im, offset);
        ref var w2r = ref AsVectors(_w2Re, offset); ref var w2i = ref AsVectors(_w2Im, offset);
        ref var w3r = ref AsVectors(_w3Re, offset); ref var w3i = ref AsVectors(_w3Im, offset);
        ref var vr = ref Unsafe.As<double, Vector<double>>(ref MemoryMarshal.GetReference(re));
        ref var vi = ref Unsafe.As<double, Vector<double>>(ref MemoryMarshal.GetReference(im));
        var vectors = _size / Vector<double>.Count;
        for (var g = 0; g < vectors; g += 4 * qv)
        {
            for (var j = 0; j < qv; j++)
            {
                ref var r0 = ref Unsafe.Add(ref vr, g + j); ref var i0 = ref Unsafe.Add(ref vi, g + j);
                ref var r1 = ref Unsafe.Add(ref r0, qv); ref var i1 = ref Unsafe.Add(ref i0, qv);
                ref var r2 = ref Unsafe.Add(ref r1, qv); ref var i2 = ref Unsafe.Add(ref i1, qv);
                ref var r3 = ref Unsafe.Add(ref r2, qv); ref var i3 = ref Unsafe.Add(ref i2, qv);
                Vector<double> c1 = Unsafe.Add(ref w1r, j), s1 = Unsafe.Add(ref w1i, j);
                Vector<double> c2 = Unsafe.Add(ref w2r, j), s2 = Unsafe.Add(ref w2i, j);
                Vector<double> c3 = Unsafe.Add(ref w3r, j), s3 = Unsafe.Add(ref w3i, j);
                var v1r = r1 * c2 + i1 * s2; var v1i = i1 * c2 - r1 * s2;
                var v2r = r2 * c1 + i2 * s1; var v2i = i2 * c1 - r2 * s1;
                var v3r = r3 * c3 + i3 * s3; var v3i = i3 * c3 - r3 * s3;
                var pr = r0 + v1r; var pi = i0 + v1i;
                var mr = r0 - v1r; var mi = i0 - v1i;
                var sr = v2r + v3r; var si = v2i + v3i;
                var dr = v2r - v3r; var di = v2i - v3i;
                r0 = pr + sr; i0 = pi + si;
                r2 = pr - sr; i2 = pi - si;
                // i·(dr + i·di) = (−di, dr)
                r1 = mr - di; i1 = mi + dr;
                r3 = mr + di; i3 = mi - dr;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InverseStageScalar(Span<double> re, Span<double> im, int q, int offset)
    {
        for (var g = 0; g < _size; g += 4 * q)
        {
            for (var j = 0; j < q; j++)
            {
                int i0 = g + j, i1 = i0 + q, i2 = i1 + q, i3 = i2 + q, w = offset + j;
                var v1r = re[i1] * _w2Re[w] + im[i1] * _w2Im[w]; var v1i = im[i1] * _w2Re[w] - re[i1] * _w2Im[w];
                var v2r = re[i2] * _w1Re[w] + im[i2] * _w1Im[w]; var v2i = im[i2] * _w1Re[w] - re[i2] * _w1Im[w];
                var v3r = re[i3] * _w3Re[w] + im[i3] * _w3Im[w]; var v3i = im[i3] * _w3Re[w] - re[i3] * _w3Im[w];
                var pr = re[i0] + v1r; var pi = im[i0] + v1i;
                var mr = re[i0] - v1r; var mi = im[i0] - v1i;
                var sr = v2r + v3r; var si = v2i + v3i;
                var dr = v2r - v3r; var di = v2i - v3i;
                re[i0] = pr + sr; im[i0] = pi + si;
                re[i2] = pr - sr; im[i2] = pi - si;
                re[i1] = mr - di; im[i1] = mi + dr;
                re[i3] = mr + di; im[i3] = mi - dr;
            }
        }
    }

    // The q = 1 radix-4 stage: all twiddles are 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Radix4NoTwiddle(Span<double> re, Span<double> im, bool forward)
    {
        for (var g = 0; g + 3 < _size; g += 4)
        {
            double a0r = re[g], a0i = im[g], a1r = re[g + 1], a1i = im[g + 1];
            double a2r = re[g + 2], a2i = im[g + 2], a3r = re[g + 3], a3i = im[g + 3];
            if (forward)
            {
                double sr = a0r + a2r, si = a0i + a2i, dr = a0r - a2r, di = a0i - a2i;
                double tr = a1r + a3r, ti = a1i + a3i, ur = a1r - a3r, ui = a1i - a3i;
                re[g] = sr + tr; im[g] = si + ti;
                re[g + 1] = sr - tr; im[g + 1] = si - ti;
                re[g + 2] = dr + ui; im[g + 2] = di - ur;
                re[g + 3] = dr - ui; im[g + 3] = di + ur;
            }
            else
            {
                double pr = a0r + a1r, pi = a0i + a1i, mr = a0r - a1r, mi = a0i - a1i;
                double sr = a2r + a3r, si = a2i + a3i, dr = a2r - a3r, di = a2i - a3i;
                re[g] = pr + sr; im[g] = pi + si;
                re[g + 2] = pr - sr; im[g + 2] = pi - si;
                re[g + 1] = mr - di; im[g + 1] = mi + dr;
                re[g + 3] = mr + di; im[g + 3] = mi - dr;
            }
        }
    }

    // The q = 2 radix-4 stage and the final radix-2 stage on each block of 8, kept in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ForwardLastEight(Span<double> re, Span<double> im)
    {
        var w = _offsets[^1] + 1; // twiddles of j = 1 (those of j = 0 are 1)
        double w1r = _w1Re[w], w1i = _w1Im[w], w2r = _w2Re[w], w2i = _w2Im[w], w3r = _w3Re[w], w3i = _w3Im[w];
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        for (var g = 0; g < _size; g += 8)
        {
            ref var x = ref Unsafe.Add(ref r, g);
            ref var y = ref Unsafe.Add(ref m, g);
            // j = 0: points 0, 2, 4, 6 (no twiddles)
            double sr = x + Unsafe.Add(ref x, 4), si = y + Unsafe.Add(ref y, 4);
            double dr = x - Unsafe.Add(ref x, 4), di = y - Unsafe.Add(ref y, 4);
            double tr = Unsafe.Add(ref x, 2) + Unsafe.Add(ref x, 6), ti = Unsafe.Add(ref y, 2) + Unsafe.Add(ref y, 6);
            double ur = Unsafe.Add(ref x, 2) - Unsafe.Add(ref x, 6), ui = Unsafe.Add(ref y, 2) - Unsafe.Add(ref y, 6);
            double p0r = sr + tr, p0i = si + ti, p2r = sr - tr, p2i = si - ti;
            double p4r = dr + ui, p4i = di - ur, p6r = dr - ui, p6i = di + ur;
            // j = 1: points 1, 3, 5, 7
            sr = Unsafe.Add(ref x, 1) + Unsafe.Add(ref x, 5); si = Unsafe.Add(ref y, 1) + Unsafe.Add(ref y, 5);
            dr = Unsafe.Add(ref x, 1) - Unsafe.Add(ref x, 5); di = Unsafe.Add(ref y, 1) - Unsafe.Add(ref y, 5);
            tr = Unsafe.Add(ref x, 3) + Unsafe.Add(ref x, 7); ti = Unsafe.Add(ref y, 3) + Unsafe.Add(ref y, 7);
            ur = Unsafe.Add(ref x, 3) - Unsafe.Add(ref x, 7); ui = Unsafe.Add(ref y, 3) - Unsafe.Add(ref y, 7);
            double p1r = sr + tr, p1i = si + ti;
            double br = sr - tr, bi = si - ti;
            double p3r = br * w2r - bi * w2i, p3i = br * w2i + bi * w2r;
            double cr = dr + ui, ci = di - ur;
            double p5r = cr * w1r - ci * w1i, p5i = cr * w1i + ci * w1r;
            double er = dr - ui, ei = di + ur;
            double p7r = er * w3r - ei * w3i, p7i = er * w3i + ei * w3r;
            // radix-2 on (0,1), (2,3), (4,5), (6,7)
            x = p0r + p1r; y = p0i + p1i;
            Unsafe.Add(ref x, 1) = p0r - p1r; Unsafe.Add(ref y, 1) = p0i - p1i;
            Unsafe.Add(ref x, 2) = p2r + p3r; Unsafe.Add(ref y, 2) = p2i + p3i;
            Unsafe.Add(ref x, 3) = p2r - p3r; Unsafe.Add(ref y, 3) = p2i - p3i;
            Unsafe.Add(ref x, 4) = p4r + p5r; Unsafe.Add(ref y, 4) = p4i + p5i;
            Unsafe.Add(ref x, 5) = p4r - p5r; Unsafe.Add(ref y, 5) = p4i - p5i;
            Unsafe.Add(ref x, 6) = p6r + p7r; Unsafe.Add(ref y, 6) = p6i + p7i;
            Unsafe.Add(ref x, 7) = p6r - p7r; Unsafe.Add(ref y, 7) = p6i - p7i;
        }
    }

    // Adjoint of ForwardLastEight: the radix-2 stage, then the inverse q = 2 radix-4 stage.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InverseFirstEight(Span<double> re, Span<double> im)
    {
        var w = _offsets[^1] + 1;
        double w1r = _w1Re[w], w1i = _w1Im[w], w2r = _w2Re[w], w2i = _w2Im[w], w3r = _w3Re[w], w3i = _w3Im[w];
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        for (var g = 0; g < _size; g += 8)
        {
            ref var x = ref Unsafe.Add(ref r, g);
            ref var y = ref Unsafe.Add(ref m, g);
            double p0r = x + Unsafe.Add(ref x, 1), p0i = y + Unsafe.Add(ref y, 1);
            double p1r = x - Unsafe.Add(ref x, 1), p1i = y - Unsafe.Add(ref y, 1);
            double p2r = Unsafe.Add(ref x, 2) + Unsafe.Add(ref x, 3), p2i = Unsafe.Add(ref y, 2) + Unsafe.Add(ref y, 3);
            double p3r = Unsafe.Add(ref x, 2) - Unsafe.Add(ref x, 3), p3i = Unsafe.Add(ref y, 2) - Unsafe.Add(ref y, 3);
            double p4r = Unsafe.Add(ref x, 4) + Unsafe.Add(ref x, 5), p4i = Unsafe.Add(ref y, 4) + Unsafe.Add(ref y, 5);
            double p5r = Unsafe.Add(ref x, 4) - Unsafe.Add(ref x, 5), p5i = Unsafe.Add(ref y, 4) - Unsafe.Add(ref y, 5);
            double p6r = Unsafe.Add(ref x, 6) + Unsafe.Add(ref x, 7), p6i = Unsafe.Add(ref y, 6) + Unsafe.Add(ref y, 7);
            double p7r = Unsafe.Add(ref x, 6) - Unsafe.Add(ref x, 7), p7i = Unsafe.Add(ref y, 6) - Unsafe.Add(ref y, 7);
            // j = 0 (y0..y3 = p0, p2, p4, p6; no twiddles)
            double pr = p0r + p2r, pi = p0i + p2i, mr = p0r - p2r, mi = p0i - p2i;
            double sr = p4r + p6r, si = p4i + p6i, dr = p4r - p6r, di = p4i - p6i;
            x = pr + sr; y = pi + si;
            Unsafe.Add(ref x, 4) = pr - sr; Unsafe.Add(ref y, 4) = pi - si;
            Unsafe.Add(ref x, 2) = mr - di; Unsafe.Add(ref y, 2) = mi + dr;
            Unsafe.Add(ref x, 6) = mr + di; Unsafe.Add(ref y, 6) = mi - dr;
            // j = 1 (y0..y3 = p1, p3, p5, p7)
            double v1r = p3r * w2r + p3i * w2i, v1i = p3i * w2r - p3r * w2i;
            double v2r = p5r * w1r + p5i * w1i, v2i = p5i * w1r - p5r * w1i;
            double v3r = p7r * w3r + p7i * w3i, v3i = p7i * w3r - p7r * w3i;
            pr = p1r + v1r; pi = p1i + v1i; mr = p1r - v1r; mi = p1i - v1i;
            sr = v2r + v3r; si = v2i + v3i; dr = v2r - v3r; di = v2i - v3i;
            Unsafe.Add(ref x, 1) = pr + sr; Unsafe.Add(ref y, 1) = pi + si;
            Unsafe.Add(ref x, 5) = pr - sr; Unsafe.Add(ref y, 5) = pi - si;
            Unsafe.Add(ref x, 3) = mr - di; Unsafe.Add(ref y, 3) = mi + dr;
            Unsafe.Add(ref x, 7) = mr + di; Unsafe.Add(ref y, 7) = mi - dr;
        }
    }

    // ForwardLastEight on four blocks at once, one block per lane: the blocks are transposed into
    // point-major vectors, run through the same operations in the same order, and transposed back.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ForwardLastEightAvx(Span<double> re, Span<double> im)
    {
        var w = _offsets[^1] + 1;
        var w1r = Vector256.Create(_w1Re[w]); var w1i = Vector256.Create(_w1Im[w]);
        var w2r = Vector256.Create(_w2Re[w]); var w2i = Vector256.Create(_w2Im[w]);
        var w3r = Vector256.Create(_w3Re[w]); var w3i = Vector256.Create(_w3Im[w]);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        var g = 0;
        for (; g + 32 <= _size; g += 32)
        {
            ref var x = ref Unsafe.Add(ref r, g);
            ref var y = ref Unsafe.Add(ref m, g);
            Load(ref x, 8, out var x0, out var x1, out var x2, out var x3, out var x4, out var x5, out var x6, out var x7);
            Load(ref y, 8, out var y0, out var y1, out var y2, out var y3, out var y4, out var y5, out var y6, out var y7);
            var sr = x0 + x4; var si = y0 + y4;
            var dr = x0 - x4; var di = y0 - y4;
            var tr = x2 + x6; var ti = y2 + y6;
            var ur = x2 - x6; var ui = y2 - y6;
            Vector256<double> p0r = sr + tr, p0i = si + ti, p2r = sr - tr, p2i = si - ti;
            Vector256<double> p4r = dr + ui, p4i = di - ur, p6r = dr - ui, p6i = di + ur;
            sr = x1 + x5; si = y1 + y5;
            dr = x1 - x5; di = y1 - y5;
            tr = x3 + x7; ti = y3 + y7;
            ur = x3 - x7; ui = y3 - y7;
            Vector256<double> p1r = sr + tr, p1i = si + ti;
            Vector256<double> br = sr - tr, bi = si - ti;
            Vector256<double> p3r = br * w2r - bi * w2i, p3i = br * w2i + bi * w2r;
            Vector256<double> cr = dr + ui, ci = di - ur;
            Vector256<double> p5r = cr * w1r - ci * w1i, p5i = cr * w1i + ci * w1r;
            Vector256<double> er = dr - ui, ei = di + ur;
            Vector256<double> p7r = er * w3r - ei * w3i, p7i = er * w3i + ei * w3r;
            Store(ref x, 8, p0r + p1r, p0r - p1r, p2r + p3r, p2r - p3r, p4r + p5r, p4r - p5r, p6r + p7r, p6r - p7r);
            Store(ref y, 8, p0i + p1i, p0i - p1i, p2i + p3i, p2i - p3i, p4i + p5i, p4i - p5i, p6i + p7i, p6i - p7i);
        }
        if (g < _size) ForwardLastEight(re[g..], im[g..]);
    }

    // InverseFirstEight on four blocks at once (see ForwardLastEightAvx).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InverseFirstEightAvx(Span<double> re, Span<double> im)
    {
        var w = _offsets[^1] + 1;
        var w1r = Vector256.Create(_w1Re[w]); var w1i = Vector256.Create(_w1Im[w]);
        var w2r = Vector256.Create(_w2Re[w]); var w2i = Vector256.Create(_w2Im[w]);
        var w3r = Vector256.Create(_w3Re[w]); var w3i = Vector256.Create(_w3Im[w]);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        var g = 0;
        for (; g + 32 <= _size; g += 32)
        {
            ref var x = ref Unsafe.Add(ref r, g);
            ref var y = ref Unsafe.Add(ref m, g);
            Load(ref x, 8, out var x0, out var x1, out var x2, out var x3, out var x4, out var x5, out var x6, out var x7);
            Load(ref y, 8, out var y0, out var y1, out var y2, out var y3, out var y4, out var y5, out var y6, out var y7);
            Vector256<double> p0r = x0 + x1, p0i = y0 + y1;
            Vector256<double> p1r = x0 - x1, p1i = y0 - y1;
            Vector256<double> p2r = x2 + x3, p2i = y2 + y3;
            Vector256<double> p3r = x2 - x3, p3i = y2 - y3;
            Vector256<double> p4r = x4 + x5, p4i = y4 + y5;
            Vector256<double> p5r = x4 - x5, p5i = y4 - y5;
            Vector256<double> p6r = x6 + x7, p6i = y6 + y7;
            Vector256<double> p7r = x6 - x7, p7i = y6 - y7;
            Vector256<double> pr = p0r + p2r, pi = p0i + p2i, mr = p0r - p2r, mi = p0i - p2i;
            Vector256<double> sr = p4r + p6r, si = p4i + p6i, dr = p4r - p6r, di = p4i - p6i;
            Vector256<double> o0r = pr + sr, o0i = pi + si, o4r = pr - sr, o4i = pi - si;
            Vector256<double> o2r = mr - di, o2i = mi + dr, o6r = mr + di, o6i = mi - dr;
            Vector256<double> v1r = p3r * w2r + p3i * w2i, v1i = p3i * w2r - p3r * w2i;
            Vector256<double> v2r = p5r * w1r + p5i * w1i, v2i = p5i * w1r - p5r * w1i;
            Vector256<double> v3r = p7r * w3r + p7i * w3i, v3i = p7i * w3r - p7r * w3i;
            pr = p1r + v1r; pi = p1i + v1i; mr = p1r - v1r; mi = p1i - v1i;
            sr = v2r + v3r; si = v2i + v3i; dr = v2r - v3r; di = v2i - v3i;
            Store(ref x, 8, o0r, pr + sr, o2r, mr - di, o4r, pr - sr, o6r, mr + di);
            Store(ref y, 8, o0i, pi + si, o2i, mi + dr, o4i, pi - si, o6i, mi - dr);
        }
        if (g < _size) InverseFirstEight(re[g..], im[g..]);
    }

    // ForwardLastEightAvx whose results go straight to natural order. Lane j holds block b + Q·j
    // (Q = size/32, b < Q); point i of that block has bit-reversed index 8(b + Qj) + i, whose natural
    // index is rev(8b) + rev(i) + rev2(j), with rev2 = (0, 2, 1, 3): swapping lanes 1 and 2 makes the
    // four lanes four consecutive natural indices.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ForwardLastEightScatter(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> outRe, Span<double> outIm)
    {
        var w = _offsets[^1] + 1;
        var w1r = Vector256.Create(_w1Re[w]); var w1i = Vector256.Create(_w1Im[w]);
        var w2r = Vector256.Create(_w2Re[w]); var w2i = Vector256.Create(_w2Im[w]);
        var w3r = Vector256.Create(_w3Re[w]); var w3i = Vector256.Create(_w3Im[w]);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        ref var or = ref MemoryMarshal.GetReference(outRe);
        ref var oi = ref MemoryMarshal.GetReference(outIm);
        ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReversed);
        var groups = _size / 32;
        var stride = 8 * groups;
        for (var b = 0; b < groups; b++)
        {
            ref var x = ref Unsafe.Add(ref r, 8 * b);
            ref var y = ref Unsafe.Add(ref m, 8 * b);
            Load(ref x, stride, out var x0, out var x1, out var x2, out var x3, out var x4, out var x5, out var x6, out var x7);
            Load(ref y, stride, out var y0, out var y1, out var y2, out var y3, out var y4, out var y5, out var y6, out var y7);
            var sr = x0 + x4; var si = y0 + y4;
            var dr = x0 - x4; var di = y0 - y4;
            var tr = x2 + x6; var ti = y2 + y6;
            var ur = x2 - x6; var ui = y2 - y6;
            Vector256<double> p0r = sr + tr, p0i = si + ti, p2r = sr - tr, p2i = si - ti;
            Vector256<double> p4r = dr + ui, p4i = di - ur, p6r = dr - ui, p6i = di + ur;
            sr = x1 + x5; si = y1 + y5;
            dr = x1 - x5; di = y1 - y5;
            tr = x3 + x7; ti = y3 + y7;
            ur = x3 - x7; ui = y3 - y7;
            Vector256<double> p1r = sr + tr, p1i = si + ti;
            Vector256<double> br = sr - tr, bi = si - ti;
            Vector256<double> p3r = br * w2r - bi * w2i, p3i = br * w2i + bi * w2r;
            Vector256<double> cr = dr + ui, ci = di - ur;
            Vector256<double> p5r = cr * w1r - ci * w1i, p5i = cr * w1i + ci * w1r;
            Vector256<double> er = dr - ui, ei = di + ur;
            Vector256<double> p7r = er * w3r - ei * w3i, p7i = er * w3i + ei * w3r;
            var baseIndex = Unsafe.Add(ref rev, 8 * b);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 0), p0r + p1r, p0i + p1i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 1), p0r - p1r, p0i - p1i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 2), p2r + p3r, p2i + p3i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 3), p2r - p3r, p2i - p3i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 4), p4r + p5r, p4i + p5i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 5), p4r - p5r, p4i - p5i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 6), p6r + p7r, p6i + p7i);
            Scatter(ref or, ref oi, baseIndex + Unsafe.Add(ref rev, 7), p6r - p7r, p6i - p7i);
        }
    }

    // InverseFirstEightAvx reading natural-order input (the mirror of ForwardLastEightScatter).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void InverseFirstEightGather(ReadOnlySpan<double> inRe, ReadOnlySpan<double> inIm, Span<double> re, Span<double> im)
    {
        var w = _offsets[^1] + 1;
        var w1r = Vector256.Create(_w1Re[w]); var w1i = Vector256.Create(_w1Im[w]);
        var w2r = Vector256.Create(_w2Re[w]); var w2i = Vector256.Create(_w2Im[w]);
        var w3r = Vector256.Create(_w3Re[w]); var w3i = Vector256.Create(_w3Im[w]);
        ref var ir = ref MemoryMarshal.GetReference(inRe);
        ref var ii = ref MemoryMarshal.GetReference(inIm);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReversed);
        var groups = _size / 32;
        var stride = 8 * groups;
        for (var b = 0; b < groups; b++)
        {
            var baseIndex = Unsafe.Add(ref rev, 8 * b);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 0), out var x0, out var y0);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 1), out var x1, out var y1);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 2), out var x2, out var y2);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 3), out var x3, out var y3);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 4), out var x4, out var y4);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 5), out var x5, out var y5);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 6), out var x6, out var y6);
            Gather(ref ir, ref ii, baseIndex + Unsafe.Add(ref rev, 7), out var x7, out var y7);
            Vector256<double> p0r = x0 + x1, p0i = y0 + y1;
            Vector256<double> p1r = x0 - x1, p1i = y0 - y1;
            Vector256<double> p2r = x2 + x3, p2i = y2 + y3;
            Vector256<double> p3r = x2 - x3, p3i = y2 - y3;
            Vector256<double> p4r = x4 + x5, p4i = y4 + y5;
            Vector256<double> p5r = x4 - x5, p5i = y4 - y5;
            Vector256<double> p6r = x6 + x7, p6i = y6 + y7;
            Vector256<double> p7r = x6 - x7, p7i = y6 - y7;
            Vector256<double> pr = p0r + p2r, pi = p0i + p2i, mr = p0r - p2r, mi = p0i - p2i;
            Vector256<double> sr = p4r + p6r, si = p4i + p6i, dr = p4r - p6r, di = p4i - p6i;
            Vector256<double> o0r = pr + sr, o0i = pi + si, o4r = pr - sr, o4i = pi - si;
            Vector256<double> o2r = mr - di, o2i = mi + dr, o6r = mr + di, o6i = mi - dr;
            Vector256<double> v1r = p3r * w2r + p3i * w2i, v1i = p3i * w2r - p3r * w2i;
            Vector256<double> v2r = p5r * w1r + p5i * w1i, v2i = p5i * w1r - p5r * w1i;
            Vector256<double> v3r = p7r * w3r + p7i * w3i, v3i = p7i * w3r - p7r * w3i;
            pr = p1r + v1r; pi = p1i + v1i; mr = p1r - v1r; mi = p1i - v1i;
            sr = v2r + v3r; si = v2i + v3i; dr = v2r - v3r; di = v2i - v3i;
            Store(ref Unsafe.Add(ref r, 8 * b), stride, o0r, pr + sr, o2r, mr - di, o4r, pr - sr, o6r, mr + di);
            Store(ref Unsafe.Add(ref m, 8 * b), stride, o0i, pi + si, o2i, mi + dr, o4i, pi - si, o6i, mi - dr);
        }
    }

    /// <summary>Lanes (0, 1, 2, 3) to natural places (0, 2, 1, 3) after <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(ref double re, ref double im, int at, Vector256<double> vr, Vector256<double> vi)
    {
        Avx2.Permute4x64(vr, 0b11_01_10_00).StoreUnsafe(ref re, (nuint)at);
        Avx2.Permute4x64(vi, 0b11_01_10_00).StoreUnsafe(ref im, (nuint)at);
    }

    /// <summary>Inverse of <see cref="Scatter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather(ref double re, ref double im, int at, out Vector256<double> vr, out Vector256<double> vi)
    {
        vr = Avx2.Permute4x64(Vector256.LoadUnsafe(ref re, (nuint)at), 0b11_01_10_00);
        vi = Avx2.Permute4x64(Vector256.LoadUnsafe(ref im, (nuint)at), 0b11_01_10_00);
    }

    /// <summary>Four blocks of 8, <paramref name="stride"/> apart, as 8 point vectors: lane b of p_k is x[stride·b + k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(ref double x, int stride,
        out Vector256<double> p0, out Vector256<double> p1, out Vector256<double> p2, out Vector256<double> p3,
        out Vector256<double> p4, out Vector256<double> p5, out Vector256<double> p6, out Vector256<double> p7)
    {
        nuint s = (nuint)stride;
        Transpose(Vector256.LoadUnsafe(ref x, 0), Vector256.LoadUnsafe(ref x, s), Vector256.LoadUnsafe(ref x, 2 * s), Vector256.LoadUnsafe(ref x, 3 * s), out p0, out p1, out p2, out p3);
        Transpose(Vector256.LoadUnsafe(ref x, 4), Vector256.LoadUnsafe(ref x, s + 4), Vector256.LoadUnsafe(ref x, 2 * s + 4), Vector256.LoadUnsafe(ref x, 3 * s + 4), out p4, out p5, out p6, out p7);
    }

    /// <summary>Inverse of <see cref="Load"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double x, int stride,
        Vector256<double> p0, Vector256<double> p1, Vector256<double> p2, Vector256<double> p3,
        Vector256<double> p4, Vector256<double> p5, Vector256<double> p6, Vector256<double> p7)
    {
        nuint s = (nuint)stride;
        Transpose(p0, p1, p2, p3, out var b0, out var b1, out var b2, out var b3);
        b0.StoreUnsafe(ref x, 0); b1.StoreUnsafe(ref x, s); b2.StoreUnsafe(ref x, 2 * s); b3.StoreUnsafe(ref x, 3 * s);
        Transpose(p4, p5, p6, p7, out b0, out b1, out b2, out b3);
        b0.StoreUnsafe(ref x, 4); b1.StoreUnsafe(ref x, s + 4); b2.StoreUnsafe(ref x, 2 * s + 4); b3.StoreUnsafe(ref x, 3 * s + 4);
    }

    /// <summary>4×4 transpose: c_j[i] = r_i[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector256<double> r0, Vector256<double> r1, Vector256<double> r2, Vector256<double> r3,
        out Vector256<double> c0, out Vector256<double> c1, out Vector256<double> c2, out Vector256<double> c3)
    {
        var t0 = Avx.UnpackLow(r0, r1);  // r0[0] r1[0] r0[2] r1[2]
        var t1 = Avx.UnpackHigh(r0, r1); // r0[1] r1[1] r0[3] r1[3]
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        c0 = Avx.Permute2x128(t0, t2, 0x20);
        c1 = Avx.Permute2x128(t1, t3, 0x20);
        c2 = Avx.Permute2x128(t0, t2, 0x31);
        c3 = Avx.Permute2x128(t1, t3, 0x31);
    }
}
