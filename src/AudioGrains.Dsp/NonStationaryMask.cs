using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// noisereduce's non-stationary mask (DSP.md §3) over a run of frames: each bin's |X| smoothed
/// forward and then backward along time (<see cref="MagnitudeSmoother"/>), r = (|X| − smooth)/smooth,
/// mask = sigmoid((r − multiplier)·slope). Fed one frame's spectrum at a time by the STFT loop:
/// <see cref="Begin"/>, the first frames again for the start state (<see cref="AddToStart"/>,
/// <see cref="EndStart"/>), every frame in order (<see cref="Forward"/>), then <see cref="Backward"/>;
/// <see cref="Masks"/> then holds the masks of the mask frames.
/// </summary>
/// <remarks>
/// One store holds the forward output y of every frame of the run ([frame][channel][bin]), then the
/// |X| of the mask frames, which the backward pass turns into masks in place. Not thread-safe.
/// </remarks>
internal sealed class NonStationaryMask
{
    private readonly int _channels;
    private readonly int _bins;
    private readonly double _b;           // the smoother's coefficient
    private readonly double _multiplier;
    private readonly double _slope;
    private readonly double[] _initial;   // [channel][bin]: y[first − 1]
    private readonly double[] _scratch;   // |X| of a frame that needs no mask
    private double[] _store = [];         // smoothed magnitudes, then masks
    private int _maskStoreOffset;         // where the masks start in _store
    private long _first, _last, _maskFirst, _maskLast;
    private int _startFrames;

    public NonStationaryMask(int channels, int bins, double coefficient, double multiplier, double slope)
    {
        _channels = channels;
        _bins = bins;
        _b = coefficient;
        _multiplier = multiplier;
        _slope = slope;
        _initial = new double[channels * bins];
        _scratch = new double[bins];
    }

    /// <summary>
    /// Starts a run over frames [first, last] that gives masks for [maskFirst, maskLast], and returns
    /// how many frames from <paramref name="first"/> on the start state averages. At the signal's start
    /// y[−1] = |X[0]| (filtfilt). A chunk starts where its context starts, from the mean |X| of its
    /// first 1/b frames: a steadier guess of the true state than one frame, which may hold a click
    /// 60 dB above its surroundings.
    /// </summary>
    public int Begin(long first, long last, long maskFirst, long maskLast)
    {
        var perFrame = _channels * _bins;
        var frames = (int)(last - first + 1);
        var maskFrames = (int)(maskLast - maskFirst + 1);
        var needed = (long)(frames + maskFrames) * perFrame;
        if (_store.Length < needed) _store = new double[needed];
        _maskStoreOffset = frames * perFrame;
        (_first, _last, _maskFirst, _maskLast) = (first, last, maskFirst, maskLast);
        _startFrames = first == 0 ? 1 : (int)Math.Min(Math.Ceiling(1 / _b), last - first + 1);
        Array.Clear(_initial);
        return _startFrames;
    }

    /// <summary>Adds channel c's |X| of one of the first frames to the start state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddToStart(int c, ReadOnlySpan<double> re, ReadOnlySpan<double> im)
    {
        ComplexBins.Magnitude(re, im, _scratch);
        ElementWise.Add(_scratch, _initial.AsSpan(c * _bins, _bins));
    }

    /// <summary>The start state: the sum over the first frames becomes their mean.</summary>
    public void EndStart()
    {
        var initial = _initial;
        for (var i = 0; i < initial.Length; i++) initial[i] /= _startFrames;
    }

    /// <summary>Forward pass, frame m of the run (in order from first), channel c: y[m] = b·|X[m]| + a·y[m−1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(long m, int c, ReadOnlySpan<double> re, ReadOnlySpan<double> im)
    {
        var perFrame = _channels * _bins;
        var store = _store;
        var row = (int)(m - _first) * perFrame;
        // |X| goes to the mask store when the frame needs a mask, else to scratch.
        var magnitude = m >= _maskFirst && m <= _maskLast
            ? store.AsSpan(_maskStoreOffset + (int)(m - _maskFirst) * perFrame + c * _bins, _bins)
            : _scratch.AsSpan();
        ComplexBins.Magnitude(re, im, magnitude);
        var previous = m == _first ? _initial.AsSpan(c * _bins, _bins) : store.AsSpan(row - perFrame + c * _bins, _bins);
        MagnitudeSmoother.Step(magnitude, previous, _b, store.AsSpan(row + c * _bins, _bins));
    }

    /// <summary>Backward over y, in place: z[m] = b·y[m] + a·z[m+1], z[last + 1] = y[last]; then the sigmoid of each mask frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward()
    {
        var perFrame = _channels * _bins;
        var store = _store;
        var b = _b;
        for (var m = _last; m >= _maskFirst; m--)
        {
            var row = (int)(m - _first) * perFrame;
            for (var c = 0; c < _channels; c++)
            {
                var z = store.AsSpan(row + c * _bins, _bins);
                MagnitudeSmoother.Step(z, m == _last ? z : store.AsSpan(row + perFrame + c * _bins, _bins), b, z);
                if (m <= _maskLast)
                    Sigmoid(store.AsSpan(_maskStoreOffset + (int)(m - _maskFirst) * perFrame + c * _bins, _bins), z,
                        _multiplier, _slope);
            }
        }
    }

    /// <summary>The masks of mask frame m, [channel][bin], after <see cref="Backward"/>.</summary>
    public ReadOnlySpan<double> Masks(long m)
    {
        var perFrame = _channels * _bins;
        return _store.AsSpan(_maskStoreOffset + (int)(m - _maskFirst) * perFrame, perFrame);
    }

    /// <summary>
    /// magnitude[k] becomes the non-stationary mask 1/(1 + exp(−(r − multiplier)·slope)) with
    /// r = (|X| − smooth)/smooth. Digital silence (smooth = 0, hence |X| = 0) reads as r = −1, like any empty bin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Sigmoid(Span<double> magnitude, ReadOnlySpan<double> smooth, double multiplier, double slope)
    {
        ref var rm = ref MemoryMarshal.GetReference(magnitude);
        ref var rs = ref MemoryMarshal.GetReference(smooth);
        var vmult = new Vector<double>(multiplier);
        var vslope = new Vector<double>(-slope);
        var one = Vector<double>.One;
        var minusOne = -Vector<double>.One;
        var k = 0;
        for (; k + Vector<double>.Count <= magnitude.Length; k += Vector<double>.Count)
        {
            var z = Vector.LoadUnsafe(ref rs, (nuint)k);
            var r = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<double>.Zero), (Vector.LoadUnsafe(ref rm, (nuint)k) - z) / z, minusOne);
            (one / (one + Vector.Exp((r - vmult) * vslope))).StoreUnsafe(ref rm, (nuint)k);
        }
        for (; k < magnitude.Length; k++)
        {
            var z = Unsafe.Add(ref rs, k);
            var r = z > 0 ? (Unsafe.Add(ref rm, k) - z) / z : -1;
            Unsafe.Add(ref rm, k) = 1 / (1 + Math.Exp((r - multiplier) * -slope));
        }
    }
}
