using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// noisereduce's stationary mask (DSP.md §3): per bin, threshold = mean + n·std of the noise
/// source's floored dB (<see cref="NoiseProfile"/>); a bin of a frame passes when its floored dB lies
/// above it; mask = passes·Strength + 1 − Strength. The dB comparison runs as |X| + eps >
/// 10^(threshold/20), the same test without a logarithm per bin.
/// </summary>
internal static class StationaryMask
{
    /// <summary>
    /// Per channel and bin ([channel][bin]), the level |X| + eps must exceed to pass: 10^(threshold/20),
    /// or −1 (every frame passes) where the signal's floor (its max − 80 dB) already lies above the threshold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Thresholds(BinMaxima signalMaxima, NoiseProfile noise, double thresholdStd, Span<double> thresholds)
    {
        var bins = noise.Bins;
        for (var c = 0; c < noise.Channels; c++)
        {
            if (noise.Count(c) == 0) throw new ArgumentException($"The noise profile of channel {c} holds no frames.", nameof(noise));
            for (var k = 0; k < bins; k++)
            {
                var threshold = noise.Mean(c, k) + thresholdStd * noise.Std(c, k);
                // floored dB > threshold  ⇔  floor > threshold  or  |X| + eps > 10^(threshold/20).
                thresholds[c * bins + k] = SpectralDecibels.Floor(signalMaxima.Power(c, k)) > threshold
                    ? -1
                    : Math.Pow(10, threshold / 20);
            }
        }
    }

    /// <summary>The mask of a passing and of a gated bin: mask·Strength + 1 − Strength for mask 1 and 0, in noisereduce's arithmetic.</summary>
    public static (double On, double Off) Levels(double strength) => (strength + (1 - strength), 1 - strength);

    /// <summary>mask[k] = on where |X[k]| + eps > threshold[k], else off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> threshold, double on, double off, Span<double> mask)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rt = ref MemoryMarshal.GetReference(threshold);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var eps = new Vector<double>(SpectralDecibels.Epsilon);
        var von = new Vector<double>(on);
        var voff = new Vector<double>(off);
        var k = 0;
        for (; k + Vector<double>.Count <= mask.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            var above = Vector.GreaterThan(Vector.SquareRoot(vr * vr + vi * vi) + eps, Vector.LoadUnsafe(ref rt, (nuint)k));
            Vector.ConditionalSelect(above, von, voff).StoreUnsafe(ref rm, (nuint)k);
        }
        for (; k < mask.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rm, k) = Math.Sqrt(r * r + i * i) + SpectralDecibels.Epsilon > Unsafe.Add(ref rt, k) ? on : off;
        }
    }
}
