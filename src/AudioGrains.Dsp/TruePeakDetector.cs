using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AudioGrains.Dsp;

/// <summary>
/// Streaming true-peak meter (BS.1770-4 Annex 2): the maximum |x| over the 4× oversampled signal of
/// every channel. Each output depends only on the current input and the 11 before it, so a chunk
/// primed with the 11 frames before its start produces bit for bit the outputs a whole-file pass
/// produces there, and chunk results merge by max exactly.
/// </summary>
/// <remarks>
/// The four phases run as the four lanes of one vector: per input, a multiply and 11 fused
/// multiply-adds of the broadcast sample with a vector of (h0[i], h1[i], h2[i], h3[i]). The two-half
/// Vector128 path (no 256-bit hardware) does the same correctly rounded operations per lane, so
/// results never depend on the path taken.
/// Stretches that cannot raise the maximum are not filtered: a phase output is at most Σ|h_p[i]| times the largest
/// |x| under its taps (<see cref="StretchFrames"/> outputs at a time), so where that bound is under the maximum so far
/// the stretch is skipped and the maximum is exactly what filtering it would have given. Speech and music spend most
/// of their length more than 6 dB under their peak, where nothing is filtered.
/// </remarks>
public sealed class TruePeakDetector
{
    private const int Taps = TruePeakFilter.TapsPerPhase;
    private const int History = TruePeakFilter.History;
    private const int BlockFrames = 1024;

    /// <summary>Outputs per bound check: short enough that a loud onset spares the quiet stretches around it.</summary>
    internal const int StretchFrames = 64;

    /// <summary>Largest Σ|h_p[i]| over the phases, rounded up far beyond the filter's own rounding error.</summary>
    private static readonly double Gain = TruePeakFilter.LargestAbsolutePhaseSum() * (1 + 1e-9);

    private static readonly Vector256<double>[] TapVectors = BuildTapVectors();

    private readonly int _channels;
    private readonly double[][] _lines; // per channel: History past samples, then the current block
    private double _max;

    public TruePeakDetector(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        _channels = channels;
        _lines = new double[channels][];
        for (var c = 0; c < channels; c++) _lines[c] = new double[History + BlockFrames];
    }

    /// <summary>Linear maximum over all phases and channels of the audio passed to <see cref="Add"/>.</summary>
    public double Max => _max;

    /// <summary>Feeds history (the audio just before the measured part) without measuring it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prime(ReadOnlySpan<double> interleaved)
    {
        var frames = WholeFrames(interleaved);
        // Only the last History frames can ever matter.
        var take = Math.Min(frames, History);
        var source = interleaved[((frames - take) * _channels)..];
        for (var c = 0; c < _channels; c++)
        {
            var line = _lines[c];
            Array.Copy(line, take, line, 0, History - take);
            for (var n = 0; n < take; n++) line[History - take + n] = source[n * _channels + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<double> interleaved)
    {
        var frames = WholeFrames(interleaved);
        var max = _max;
        for (var start = 0; start < frames; start += BlockFrames)
        {
            var n = Math.Min(BlockFrames, frames - start);
            var block = interleaved.Slice(start * _channels, n * _channels);
            for (var c = 0; c < _channels; c++)
            {
                var line = _lines[c];
                for (var k = 0; k < n; k++) line[History + k] = block[k * _channels + c];
                for (var s = 0; s < n; s += StretchFrames)
                {
                    var m = Math.Min(StretchFrames, n - s);
                    // NaN fails the comparison, so a stretch holding one is filtered and the NaN reaches the max.
                    if (PeakAmplitude.OrNaN(line.AsSpan(s, History + m)) * Gain < max) continue;
                    var peak = Vector256.IsHardwareAccelerated ? PeakOf256(line, s, m) : PeakOf128(line, s, m);
                    if (peak > max || double.IsNaN(peak)) max = peak;
                }
                Array.Copy(line, n, line, 0, History); // the block's tail is the next block's history
            }
        }
        _max = max;
    }

    /// <summary>Max |phase output| for inputs line[History .. History + n).</summary>
    internal static double PeakOf256(double[] line, int n) => PeakOf256(line, 0, n);

    /// <summary>Same as <see cref="PeakOf128(double[], int, int)"/> for inputs line[History .. History + n).</summary>
    internal static double PeakOf128(double[] line, int n) => PeakOf128(line, 0, n);

    /// <summary>Max |phase output| for inputs line[offset + History .. offset + History + n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double PeakOf256(double[] line, int offset, int n)
    {
        var h = TapVectors;
        var peak = Vector256<double>.Zero;
        var end = offset + History + n;
        var k = offset + History;
        // Four outputs at a time: four independent accumulation chains hide the FMA latency. Each
        // output still sums its taps in the same order as the single-output loop below.
        for (; k + 3 < end; k += 4)
        {
            var a0 = h[0] * Vector256.Create(line[k]);
            var a1 = h[0] * Vector256.Create(line[k + 1]);
            var a2 = h[0] * Vector256.Create(line[k + 2]);
            var a3 = h[0] * Vector256.Create(line[k + 3]);
            for (var i = 1; i < Taps; i++)
            {
                var hi = h[i];
                a0 = Vector256.FusedMultiplyAdd(hi, Vector256.Create(line[k - i]), a0);
                a1 = Vector256.FusedMultiplyAdd(hi, Vector256.Create(line[k + 1 - i]), a1);
                a2 = Vector256.FusedMultiplyAdd(hi, Vector256.Create(line[k + 2 - i]), a2);
                a3 = Vector256.FusedMultiplyAdd(hi, Vector256.Create(line[k + 3 - i]), a3);
            }
            peak = Vector256.MaxNative(peak, Vector256.MaxNative(
                Vector256.MaxNative(Vector256.Abs(a0), Vector256.Abs(a1)),
                Vector256.MaxNative(Vector256.Abs(a2), Vector256.Abs(a3))));
        }
        for (; k < end; k++)
        {
            var acc = h[0] * Vector256.Create(line[k]);
            for (var i = 1; i < Taps; i++)
                acc = Vector256.FusedMultiplyAdd(h[i], Vector256.Create(line[k - i]), acc);
            peak = Vector256.MaxNative(peak, Vector256.Abs(acc));
        }
        return Math.Max(Math.Max(peak[0], peak[1]), Math.Max(peak[2], peak[3]));
    }

    /// <summary>Same arithmetic as <see cref="PeakOf256"/>, as two halves of two phases each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double PeakOf128(double[] line, int offset, int n)
    {
        var h = TapVectors;
        var peakLow = Vector128<double>.Zero;
        var peakHigh = Vector128<double>.Zero;
        for (var k = offset + History; k < offset + History + n; k++)
        {
            var x = Vector128.Create(line[k]);
            var low = h[0].GetLower() * x;
            var high = h[0].GetUpper() * x;
            for (var i = 1; i < Taps; i++)
            {
                x = Vector128.Create(line[k - i]);
                low = Vector128.FusedMultiplyAdd(h[i].GetLower(), x, low);
                high = Vector128.FusedMultiplyAdd(h[i].GetUpper(), x, high);
            }
            peakLow = Vector128.MaxNative(peakLow, Vector128.Abs(low));
            peakHigh = Vector128.MaxNative(peakHigh, Vector128.Abs(high));
        }
        return Math.Max(Math.Max(peakLow[0], peakLow[1]), Math.Max(peakHigh[0], peakHigh[1]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int WholeFrames(ReadOnlySpan<double> interleaved)
    {
        if (interleaved.Length % _channels != 0)
            throw new ArgumentException("Interleaved audio must hold whole frames.", nameof(interleaved));
        return interleaved.Length / _channels;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<double>[] BuildTapVectors()
    {
        var v = new Vector256<double>[Taps];
        for (var i = 0; i < Taps; i++)
            v[i] = Vector256.Create(TruePeakFilter.Tap(0, i), TruePeakFilter.Tap(1, i), TruePeakFilter.Tap(2, i), TruePeakFilter.Tap(3, i));
        return v;
    }
}
