using System.Runtime.CompilerServices;
namespace AudioGrains.Dsp;

/// <summary>
/// Per channel and frequency bin, the maximum over time of the STFT power |X|² (analysis pass 1 of
/// the stationary gate): the reference of the −80 dB floor under every bin's dB. Merges by max, so
/// chunk results combine exactly in any order.
/// </summary>
public sealed class BinMaxima
{
    private readonly double[] _power; // [channel][bin]

    public BinMaxima(int channels, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Channels = channels;
        Bins = bins;
        _power = new double[channels * bins];
    }

    public int Channels { get; }

    public int Bins { get; }

    /// <summary>Max |X|² of bin <paramref name="bin"/> of channel <paramref name="channel"/> (0 before any frame).</summary>
    public double Power(int channel, int bin) => _power[Index(channel, bin)];

    /// <summary>The maximum of bin's dB over time, 20·log10(max|X| + 2.22e-16) as noisereduce computes it.</summary>
    public double MaxDecibels(int channel, int bin) => SpectralDecibels.FromMagnitude(Math.Sqrt(Power(channel, bin)));

    internal Span<double> Channel(int channel) => _power.AsSpan(channel * Bins, Bins);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Merge(BinMaxima other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Channels != Channels || other.Bins != Bins)
            throw new ArgumentException($"Cannot merge maxima of {other.Channels}×{other.Bins} into {Channels}×{Bins} (channels × bins).", nameof(other));
        for (var i = 0; i < _power.Length; i++)
            if (other._power[i] > _power[i]) _power[i] = other._power[i];
    }

    /// <summary>[channels, bins, then the maxima channel by channel]: every value exact in a double.</summary>
    public double[] ToArray()
    {
        var flat = new double[2 + _power.Length];
        flat[0] = Channels;
        flat[1] = Bins;
        _power.CopyTo(flat, 2);
        return flat;
    }

    public static BinMaxima FromArray(ReadOnlySpan<double> flat)
    {
        if (flat.Length < 2) throw new ArgumentException("Bin maxima need at least a header of 2 values.", nameof(flat));
        var channels = (int)flat[0];
        var bins = (int)flat[1];
        if (channels < 1 || bins < 1 || channels != flat[0] || bins != flat[1] || flat.Length != 2 + (long)channels * bins)
            throw new ArgumentException($"Not a stored BinMaxima: header {flat[0]}×{flat[1]}, {flat.Length} values.", nameof(flat));
        var maxima = new BinMaxima(channels, bins);
        flat[2..].CopyTo(maxima._power);
        return maxima;
    }

    private int Index(int channel, int bin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        ArgumentOutOfRangeException.ThrowIfNegative(bin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, Bins);
        return channel * Bins + bin;
    }
}
