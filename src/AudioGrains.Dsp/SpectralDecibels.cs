using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// noisereduce's spectrogram decibels: 20·log10(|X| + eps) with eps the double machine epsilon, so
/// an empty bin reads about −313 dB instead of −∞, floored per bin at its maximum over time − 80 dB.
/// </summary>
public static class SpectralDecibels
{
    /// <summary>numpy's float64 eps, 2^−52.</summary>
    public const double Epsilon = 2.220446049250313e-16;

    /// <summary>How far below its loudest frame a bin's dB is floored (librosa's top_db).</summary>
    public const double FloorRange = 80;

    /// <summary>20/ln 10: dB from a natural logarithm.</summary>
    internal const double PerNeper = 8.685889638065037;

    public static double FromMagnitude(double magnitude) => 20 * Math.Log10(magnitude + Epsilon);

    /// <summary>The floor of a bin whose loudest frame has power <paramref name="maxPower"/>.</summary>
    public static double Floor(double maxPower) => FromMagnitude(Math.Sqrt(maxPower)) - FloorRange;

    /// <summary>
    /// db[k] = max(20·log10(|X[k]| + eps), floor[k]), the logarithm as ln × 20/ln 10. The vector
    /// logarithm is the runtime's; bins past the last whole vector use Math.Log.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Floored(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> floor, Span<double> db)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rf = ref MemoryMarshal.GetReference(floor);
        ref var rd = ref MemoryMarshal.GetReference(db);
        var eps = new Vector<double>(SpectralDecibels.Epsilon);
        var perNeper = new Vector<double>(SpectralDecibels.PerNeper);
        var k = 0;
        for (; k + Vector<double>.Count <= db.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            var v = perNeper * Vector.Log(Vector.SquareRoot(vr * vr + vi * vi) + eps);
            Vector.Max(v, Vector.LoadUnsafe(ref rf, (nuint)k)).StoreUnsafe(ref rd, (nuint)k);
        }
        for (; k < db.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rd, k) = Math.Max(SpectralDecibels.PerNeper * Math.Log(Math.Sqrt(r * r + i * i) + SpectralDecibels.Epsilon), Unsafe.Add(ref rf, k));
        }
    }
}
