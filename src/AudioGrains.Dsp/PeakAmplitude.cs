using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AudioGrains.Dsp;

/// <summary>Largest |x| of a buffer (all channels): the sample peak.</summary>
public static class PeakAmplitude
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Of(ReadOnlySpan<double> samples)
    {
        var i = 0;
        var peak = 0.0;
        if (Vector256.IsHardwareAccelerated && samples.Length >= Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= samples.Length - Vector256<double>.Count; i += Vector256<double>.Count)
                acc = Vector256.MaxNative(acc, Vector256.Abs(Vector256.Create(samples.Slice(i, Vector256<double>.Count))));
            peak = Math.Max(Math.Max(acc[0], acc[1]), Math.Max(acc[2], acc[3]));
        }
        for (; i < samples.Length; i++)
        {
            var a = Math.Abs(samples[i]);
            if (a > peak) peak = a;
        }
        return peak;
    }

    /// <summary>Largest |x|, or NaN when a sample is NaN (<see cref="Of"/> passes over NaN): a bound that must not hide one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double OrNaN(ReadOnlySpan<double> samples)
    {
        var i = 0;
        var max = 0.0;
        if (Vector256.IsHardwareAccelerated && samples.Length >= Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= samples.Length - Vector256<double>.Count; i += Vector256<double>.Count)
                acc = Vector256.Max(acc, Vector256.Abs(Vector256.Create(samples.Slice(i, Vector256<double>.Count)))); // Max keeps NaN
            max = Math.Max(Math.Max(acc[0], acc[1]), Math.Max(acc[2], acc[3]));
        }
        for (; i < samples.Length; i++) max = Math.Max(max, Math.Abs(samples[i]));
        return max;
    }
}
