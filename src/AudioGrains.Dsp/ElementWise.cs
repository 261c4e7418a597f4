using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Element-wise arithmetic over spans of doubles: whole vectors, then the tail one by one. Each lane
/// computes what the scalar loop computes (no fused multiply-add, no reassociation), so the results do
/// not depend on the vector width.
/// </summary>
internal static class ElementWise
{
    /// <summary>target[i] = a[i]·b[i] (target may be a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
    }

    /// <summary>target[i] += a[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Add(ReadOnlySpan<double> a, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var i = 0;
        for (; i + Vector<double>.Count <= target.Length; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref rt, (nuint)i) + Vector.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < target.Length; i++) Unsafe.Add(ref rt, i) += Unsafe.Add(ref ra, i);
    }

    /// <summary>target[i] += a[i]·b[i] (not fused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref rt, (nuint)i) + Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref rt, i) + Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
    }

    /// <summary>target[i] = a[i] / b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Divide(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref ra, (nuint)i) / Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref ra, i) / Unsafe.Add(ref rb, i);
    }

    /// <summary>x[i] = x[i]·scale + offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleOffset(Span<double> x, double scale, double offset)
    {
        ref var r = ref MemoryMarshal.GetReference(x);
        var vs = new Vector<double>(scale);
        var vo = new Vector<double>(offset);
        var i = 0;
        for (; i + Vector<double>.Count <= x.Length; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref r, (nuint)i) * vs + vo).StoreUnsafe(ref r, (nuint)i);
        for (; i < x.Length; i++) Unsafe.Add(ref r, i) = Unsafe.Add(ref r, i) * scale + offset;
    }
}
