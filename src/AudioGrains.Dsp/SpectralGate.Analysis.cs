using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The stationary gate's analysis passes, run per chunk and merged before <see cref="Process"/>:
/// the signal's per-bin maxima, then the noise source's floored-dB statistics.
/// </summary>
public sealed partial class SpectralGate
{
    private readonly double[] _floor; // [output channel][bin], noise pass

    /// <summary>
    /// Analysis pass 1: per output channel and bin, the max of |X|² over the frames [start, end) owns
    /// (<see cref="StftGrid.OwnedFrames"/>: centred in [start, end), plus the final frame when end is
    /// the signal's end). start and end may lie anywhere (a noise clip's edges, say); consecutive
    /// ranges still own every frame once. The window must hold [start − FftSize/2, end + FftSize/2)
    /// ∩ signal. Merge the chunks' results with <see cref="BinMaxima.Merge"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BinMaxima MeasureMaxima(SignalWindow window, long start, long end)
    {
        var grid = CheckRange(window, start, end);
        var maxima = new BinMaxima(_outputChannels, _bins);
        var (first, last) = grid.OwnedFrames(start, end);
        if (first > last) return maxima;
        RequireCoverage(window, grid, first, last, "MeasureMaxima needs FftSize/2 frames of context");
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++) ComplexBins.MaxPower(SlotRe(0, c), SlotIm(0, c), maxima.Channel(c));
        }
        return maxima;
    }

    /// <summary>
    /// Analysis pass 2, over a noise source (the signal itself or a noise clip with the same channel
    /// layout): per output channel and bin, count, sum and sum of squares of
    /// dB = 20·log10(|X| + eps), floored at (that bin's max over the whole source − 80 dB), the max
    /// coming from <paramref name="floorOf"/>, the merged <see cref="MeasureMaxima"/> of the same
    /// source. Same ownership and window as <see cref="MeasureMaxima"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public NoiseProfile MeasureNoise(SignalWindow window, long start, long end, BinMaxima floorOf)
    {
        ArgumentNullException.ThrowIfNull(floorOf);
        var grid = CheckRange(window, start, end);
        CheckShape(floorOf.Channels, floorOf.Bins, nameof(floorOf));
        var profile = new NoiseProfile(_outputChannels, _bins);
        var (first, last) = grid.OwnedFrames(start, end);
        if (first > last) return profile;
        RequireCoverage(window, grid, first, last, "MeasureNoise needs FftSize/2 frames of context");
        for (var c = 0; c < _outputChannels; c++)
            for (var k = 0; k < _bins; k++) _floor[c * _bins + k] = SpectralDecibels.Floor(floorOf.Power(c, k));
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++)
            {
                SpectralDecibels.Floored(SlotRe(0, c), SlotIm(0, c), _floor.AsSpan(c * _bins, _bins), _mask);
                profile.AddFrame(c, _mask);
            }
        }
        return profile;
    }
}
