using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Per channel and frequency bin, the count, sum and sum of squares of the floored spectrogram dB of
/// a noise source (analysis pass 2 of the stationary gate), from which the gate's threshold
/// mean + n·std (population std) follows.
/// </summary>
/// <remarks>
/// Sums of doubles depend on their order, and the threshold of a chunked job must be the very
/// threshold of a whole-file pass. So each dB value is rounded to a multiple of 2^−20 dB (under a
/// micro-decibel; <see cref="Quantum"/>) and summed as integers: sums in 64 bits, squares in 128.
/// Integer addition is exact and associative, so <see cref="Merge"/> of chunk profiles equals the
/// whole-signal profile bit for bit whatever the split. Values are clamped to ±1024 dB (spectrogram dB
/// of audio lies between about −400 and +100), which keeps every square within 2^60.
/// </remarks>
public sealed class NoiseProfile
{
    /// <summary>Resolution of the accumulated dB values: 2^−20 dB.</summary>
    public const double Quantum = 1.0 / (1 << QuantumBits);

    internal const int QuantumBits = 20;
    internal const double ClampDecibels = 1024;

    private readonly long[] _counts;    // [channel]: frames measured (the same for every bin)
    private readonly long[] _sums;      // [channel][bin]: Σ q
    private readonly Int128[] _squares; // [channel][bin]: Σ q²
    private readonly long[] _pending;   // [channel][bin]: Σ q² of the frames not yet moved into _squares
    private readonly int[] _pendingFrames;

    public NoiseProfile(int channels, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Channels = channels;
        Bins = bins;
        _counts = new long[channels];
        _sums = new long[channels * bins];
        _squares = new Int128[channels * bins];
        _pending = new long[channels * bins];
        _pendingFrames = new int[channels];
    }

    public int Channels { get; }

    public int Bins { get; }

    /// <summary>Frames measured on <paramref name="channel"/>.</summary>
    public long Count(int channel) => _counts[CheckChannel(channel)];

    /// <summary>Mean of the floored dB of the bin over the measured frames (NaN when none).</summary>
    public double Mean(int channel, int bin)
    {
        var i = Index(channel, bin);
        var n = _counts[channel];
        return n == 0 ? double.NaN : (double)_sums[i] / n * Quantum;
    }

    /// <summary>Population standard deviation of the floored dB of the bin (NaN when no frame was measured).</summary>
    public double Std(int channel, int bin)
    {
        var i = Index(channel, bin);
        var n = _counts[channel];
        if (n == 0) return double.NaN;
        Flush();
        // n²·variance = n·Σq² − (Σq)², exact in integers, rounded once. Both terms are below
        // n²·2^60, so 128 bits hold them up to 2^33 frames (years of audio); BigInteger beyond.
        var scaled = n < 1L << 33
            ? (double)(n * _squares[i] - (Int128)_sums[i] * _sums[i])
            : (double)((BigInteger)n * (BigInteger)_squares[i] - (BigInteger)_sums[i] * _sums[i]);
        var variance = scaled / ((double)n * n) * (Quantum * Quantum);
        return Math.Sqrt(Math.Max(variance, 0));
    }

    /// <summary>Adds one frame's floored dB values of <paramref name="channel"/> (one per bin).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddFrame(int channel, ReadOnlySpan<double> flooredDecibels)
    {
        var offset = CheckChannel(channel) * Bins;
        ref var db = ref MemoryMarshal.GetReference(flooredDecibels);
        ref var sums = ref _sums[offset];
        ref var pending = ref _pending[offset];
        var low = new Vector<double>(-ClampDecibels);
        var high = new Vector<double>(ClampDecibels);
        var scale = new Vector<double>(1 << QuantumBits);
        var k = 0;
        for (; k + Vector<double>.Count <= Bins; k += Vector<double>.Count)
        {
            var q = Vector.ConvertToInt64(Vector.Round(Vector.Min(Vector.Max(Vector.LoadUnsafe(ref db, (nuint)k), low), high) * scale));
            (Vector.LoadUnsafe(ref sums, (nuint)k) + q).StoreUnsafe(ref sums, (nuint)k);
            (Vector.LoadUnsafe(ref pending, (nuint)k) + q * q).StoreUnsafe(ref pending, (nuint)k);
        }
        for (; k < Bins; k++)
        {
            var q = Quantize(Unsafe.Add(ref db, k));
            Unsafe.Add(ref sums, k) += q;
            Unsafe.Add(ref pending, k) += q * q; // |q| <= 2^30: q² fits a long
        }
        _counts[channel]++;
        // A pending square sum holds at most 7 · 2^60 < 2^63: move it to the 128-bit sums before that.
        if (++_pendingFrames[channel] == 7) Flush(channel);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush(int channel)
    {
        var offset = channel * Bins;
        for (var k = offset; k < offset + Bins; k++)
        {
            _squares[k] += _pending[k];
            _pending[k] = 0;
        }
        _pendingFrames[channel] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush()
    {
        for (var c = 0; c < Channels; c++)
            if (_pendingFrames[c] > 0) Flush(c);
    }

    /// <summary>The same steps as the vector loop of <see cref="AddFrame"/>: clamp, scale, round half to even.</summary>
    internal static long Quantize(double decibels) =>
        (long)Math.Round(Math.Min(Math.Max(decibels, -ClampDecibels), ClampDecibels) * (1 << QuantumBits));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Merge(NoiseProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Channels != Channels || other.Bins != Bins)
            throw new ArgumentException($"Cannot merge a noise profile of {other.Channels}×{other.Bins} into {Channels}×{Bins} (channels × bins).", nameof(other));
        Flush();
        other.Flush();
        for (var c = 0; c < Channels; c++) _counts[c] += other._counts[c];
        for (var i = 0; i < _sums.Length; i++)
        {
            _sums[i] += other._sums[i];
            _squares[i] += other._squares[i];
        }
    }

    /// <summary>
    /// [channels, bins, then per channel: count, then per bin Σq and Σq²], every integer split into
    /// 32-bit parts (a long into 2 doubles, a 128-bit square sum into 4), so storage is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] ToArray()
    {
        Flush();
        var flat = new double[StoredLength(Channels, Bins)];
        flat[0] = Channels;
        flat[1] = Bins;
        var at = 2;
        for (var c = 0; c < Channels; c++)
        {
            at = Put(flat, at, (UInt128)(ulong)_counts[c], 2);
            for (var k = 0; k < Bins; k++)
            {
                at = Put(flat, at, (UInt128)(ulong)_sums[c * Bins + k], 2);
                at = Put(flat, at, (UInt128)_squares[c * Bins + k], 4);
            }
        }
        return flat;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static NoiseProfile FromArray(ReadOnlySpan<double> flat)
    {
        if (flat.Length < 2) throw new ArgumentException("A noise profile needs at least a header of 2 values.", nameof(flat));
        var channels = (int)flat[0];
        var bins = (int)flat[1];
        if (channels < 1 || bins < 1 || channels != flat[0] || bins != flat[1] || flat.Length != StoredLength(channels, bins))
            throw new ArgumentException($"Not a stored NoiseProfile: header {flat[0]}×{flat[1]}, {flat.Length} values.", nameof(flat));
        var profile = new NoiseProfile(channels, bins);
        var at = 2;
        for (var c = 0; c < channels; c++)
        {
            profile._counts[c] = (long)(ulong)Take(flat, ref at, 2);
            for (var k = 0; k < bins; k++)
            {
                profile._sums[c * bins + k] = (long)(ulong)Take(flat, ref at, 2);
                profile._squares[c * bins + k] = (Int128)Take(flat, ref at, 4);
            }
        }
        return profile;
    }

    private static long StoredLength(int channels, int bins) => 2 + channels * (2 + 6L * bins);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Put(double[] flat, int at, UInt128 value, int parts)
    {
        for (var p = 0; p < parts; p++) flat[at++] = (uint)(value >> (32 * p));
        return at;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static UInt128 Take(ReadOnlySpan<double> flat, ref int at, int parts)
    {
        UInt128 value = 0;
        for (var p = 0; p < parts; p++)
        {
            var part = flat[at++];
            if (!(part is >= 0 and <= uint.MaxValue) || part != Math.Floor(part))
                throw new ArgumentException($"Not a stored NoiseProfile: value {part} at {at - 1} is not a 32-bit part.", nameof(flat));
            value |= (UInt128)(uint)part << (32 * p);
        }
        return value;
    }

    private int CheckChannel(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        return channel;
    }

    private int Index(int channel, int bin)
    {
        CheckChannel(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(bin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, Bins);
        return channel * Bins + bin;
    }
}
