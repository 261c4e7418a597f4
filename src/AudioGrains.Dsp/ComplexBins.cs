using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Per-bin power and magnitude of a spectrum held as split real and imaginary spans (one frame of
/// <see cref="RealFft"/> output).
/// </summary>
internal static class ComplexBins
{
    /// <summary>power[k] = re[k]² + im[k]² in float for the bins; the padding past them stays 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Power(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> power)
    {
        for (var k = 0; k < re.Length; k++) power[k] = (float)(re[k] * re[k] + im[k] * im[k]);
    }

    /// <summary>sum[k] += re[k]² + im[k]².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddPower(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> sum)
    {
        for (var k = 0; k < re.Length; k++) sum[k] += re[k] * re[k] + im[k] * im[k];
    }

    /// <summary>target[k] = √(re[k]² + im[k]²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Magnitude(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> target)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var k = 0;
        for (; k + Vector<double>.Count <= target.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            Vector.SquareRoot(vr * vr + vi * vi).StoreUnsafe(ref rt, (nuint)k);
        }
        for (; k < target.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rt, k) = Math.Sqrt(r * r + i * i);
        }
    }

    /// <summary>max[k] = max(max[k], re[k]² + im[k]²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaxPower(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> max)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rm = ref MemoryMarshal.GetReference(max);
        var i = 0;
        for (; i + Vector<double>.Count <= max.Length; i += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)i);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)i);
            Vector.Max(vr * vr + vi * vi, Vector.LoadUnsafe(ref rm, (nuint)i)).StoreUnsafe(ref rm, (nuint)i);
        }
        for (; i < max.Length; i++)
        {
            var p = Unsafe.Add(ref rr, i) * Unsafe.Add(ref rr, i) + Unsafe.Add(ref ri, i) * Unsafe.Add(ref ri, i);
            Unsafe.Add(ref rm, i) = Math.Max(p, Unsafe.Add(ref rm, i));
        }
    }
}
