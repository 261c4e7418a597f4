using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// A floor under the noise estimate for noise made of speech (babble), for one channel. The
/// speech-presence tracker follows babble's dips and takes its peaks for speech, so its noise sits
/// far under the babble and the babble passes. That shows in the tracker itself: over seconds, it
/// calls speech present (P(H1|y) &gt; 0.9, see <see cref="PresentRatio"/>) in a far larger share of
/// the spectrogram than speech fills (measured on espeak-ng speech: 4–11 % over pink noise at 0–10 dB
/// SNR; 33–42 % with four other talkers under it). When that share, over the last
/// <see cref="SpeechEnhancerOptions.BabbleWindowSeconds"/>, passes <see cref="SpeechEnhancerOptions.BabbleShareFrom"/>,
/// the noise becomes at least w·<see cref="SpeechEnhancerOptions.BabbleFloorDb"/> of the input's mean power per
/// bin over that window, w rising linearly to 1 at <see cref="SpeechEnhancerOptions.BabbleShareTo"/>.
/// </summary>
/// <remarks>
/// Music trips the share as well (46–54 %: speech shows between its partials), and there the floor
/// takes speech: so w also falls linearly to 0 as the share of bins the <see cref="TonalNoiseMemory"/>
/// holds over the tracker goes from 0 to <see cref="SpeechEnhancerOptions.BabbleTonalShareMax"/>
/// (music 9–17 %, babble and pink under 0.5 %). Bins the memory holds do not count as speech either.
/// Clean speech trips the share too (61–63 %: its noise is digital silence or a quiet room), but it
/// pauses and babble does not: w also falls linearly from 1 to 0 as the depth, the window's mean power
/// over its quietest 128 ms (all bins), goes from <see cref="SpeechEnhancerOptions.BabbleDepthFromDb"/>
/// to <see cref="SpeechEnhancerOptions.BabbleDepthToDb"/> (babble under speech at 0–10 dB: 6–14 dB;
/// espeak-ng speech over digital silence: 287 dB).
/// The window is whole blocks of 4 × 128 ms counted from frame 0, and only blocks the run saw whole
/// count: the floor is a function of the window's frames (and of the tracker, which converges within
/// the chunk context), which keeps the output independent of the chunk size. It changes once per
/// block. Not thread-safe.
/// </remarks>
public sealed class BabbleNoiseFloor
{
    /// <summary>
    /// A bin counts as speech where its power exceeds the noise by this factor (7.7 dB): where the tracker's
    /// P(H1|y) passes 0.9 with its default prior (½) and speech SNR (15 dB).
    /// </summary>
    public const float PresentRatio = 5.83f;

    private readonly int _length, _blockFrames, _blocks, _pieceFrames;
    private readonly double _shareFrom, _shareTo, _tonalShareMax;
    private readonly float _fraction;
    private readonly float[] _sums;       // [(blocks + 1) slots][length]: each block's summed power
    private readonly double[] _present;   // per slot: bins × frames with speech present
    private readonly double[] _tonal;     // per slot: bins × frames the tonal memory holds over the tracker
    private readonly long[] _blockIndex;  // the block each slot holds whole, −1 for none
    private readonly float[] _floor;      // the floor from the window before the current block
    private readonly double[] _quietest;  // per slot: the block's quietest piece of 128 ms (summed power over bins and frames)
    private double _piece;                // the current piece's summed power
    private readonly double _depthFrom, _depthTo;
    private long _current = -1;
    private bool _currentWhole;

    /// <param name="options">The settings (the Babble* ones).</param>
    /// <param name="length">Padded bins per frame.</param>
    /// <param name="bins">Real bins (the shares count these).</param>
    /// <param name="frameSeconds">Time between frames.</param>
    public BabbleNoiseFloor(SpeechEnhancerOptions options, int length, int bins, double frameSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        SpeechPresenceNoiseTracker.CheckLengths(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, length);
        _length = length;
        Bins = bins;
        _pieceFrames = Math.Max(1, (int)Math.Round(0.125 / frameSeconds));
        _blockFrames = 4 * _pieceFrames;
        _blocks = Math.Max(1, (int)Math.Round(options.BabbleWindowSeconds / (_blockFrames * frameSeconds)));
        _shareFrom = options.BabbleShareFrom;
        _shareTo = options.BabbleShareTo;
        _tonalShareMax = options.BabbleTonalShareMax;
        _fraction = (float)Math.Pow(10, options.BabbleFloorDb / 10);
        _sums = new float[(_blocks + 1) * length];
        _present = new double[_blocks + 1];
        _tonal = new double[_blocks + 1];
        _blockIndex = new long[_blocks + 1];
        _floor = new float[length];
        _quietest = new double[_blocks + 1];
        _depthFrom = options.BabbleDepthFromDb;
        _depthTo = options.BabbleDepthToDb;
        Reset();
    }

    /// <summary>Real bins per frame.</summary>
    public int Bins { get; }

    /// <summary>Frames the floor looks back at most.</summary>
    public int WindowFrames => (_blocks + 1) * _blockFrames;

    /// <summary>The share of the window's bins × frames where speech showed, as of the current block (for tests and diagnostics).</summary>
    public double PresentShare { get; private set; }

    /// <summary>The share of the window's bins × frames the tonal memory held, as of the current block (for tests and diagnostics).</summary>
    public double TonalShare { get; private set; }

    /// <summary>
    /// How far the window's quietest 128 ms lie under its mean (all bins, dB), as of the current block; computed only
    /// when the shares let the floor in, 0 otherwise (for tests and diagnostics).
    /// </summary>
    public double Depth { get; private set; }

    /// <summary>The floor's weight w in [0, 1], as of the current block (for tests and diagnostics).</summary>
    public double Weight { get; private set; }

    /// <summary>Forgets everything (a run begins).</summary>
    public void Reset()
    {
        Array.Clear(_sums);
        Array.Clear(_present);
        Array.Clear(_tonal);
        Array.Fill(_blockIndex, -1L);
        Array.Clear(_floor);
        Array.Fill(_quietest, double.MaxValue);
        _piece = 0;
        _current = -1;
        PresentShare = TonalShare = Weight = Depth = 0;
    }

    /// <summary>
    /// Frame <paramref name="frame"/> (counted from the signal's start): its power, the tracker's noise and the noise so
    /// far (the tracker's, raised by the tonal memory) in; <paramref name="noise"/> raised in place to the floor. Spans of
    /// one length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(long frame, ReadOnlySpan<float> power, ReadOnlySpan<float> tracked, Span<float> noise)
    {
        SpeechPresenceNoiseTracker.CheckLengths(_length, power.Length, tracked.Length, noise.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        var block = frame / _blockFrames;
        if (block != _current) Begin(block, whole: frame % _blockFrames == 0);
        var slot = Slot(block);
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rt = ref MemoryMarshal.GetReference(tracked);
        ref var rs = ref MemoryMarshal.GetReference(_sums.AsSpan(slot * _length, _length));
        ref var rf = ref MemoryMarshal.GetReference(_floor.AsSpan());
        ref var rn = ref MemoryMarshal.GetReference(noise);
        var ratio = new Vector<float>(PresentRatio);
        var present = Vector<int>.Zero;
        var total = Vector<float>.Zero;
        var tonal = Vector<int>.Zero;
        for (var k = 0; k < _length; k += Vector<float>.Count)
        {
            var y = Vector.LoadUnsafe(ref rp, (nuint)k);
            var n = Vector.LoadUnsafe(ref rn, (nuint)k);
            var held = Vector.GreaterThan(n, Vector.LoadUnsafe(ref rt, (nuint)k));
            // A true comparison is −1. The pad bins hold 0 power and never count as speech; the tonal memory leaves them at the tracker's floor.
            present -= Vector.AndNot(Vector.GreaterThan(y, ratio * n), held);
            tonal -= held;
            total += y;
            (Vector.LoadUnsafe(ref rs, (nuint)k) + y).StoreUnsafe(ref rs, (nuint)k);
            Vector.Max(n, Vector.LoadUnsafe(ref rf, (nuint)k)).StoreUnsafe(ref rn, (nuint)k);
        }
        _present[slot] += Vector.Sum(present);
        _tonal[slot] += Vector.Sum(tonal);
        _piece += Vector.Sum(total);
        if ((frame + 1) % _pieceFrames == 0) EndPiece(slot);
        if ((frame + 1) % _blockFrames == 0 && _currentWhole) _blockIndex[slot] = block;
    }

    /// <summary>A piece of the block ends: the block's quietest piece so far.</summary>
    private void EndPiece(int slot)
    {
        _quietest[slot] = Math.Min(_quietest[slot], _piece);
        _piece = 0;
    }

    /// <summary>Starts <paramref name="block"/>: the floor from the window's whole blocks before it; clears its slot.</summary>
    private void Begin(long block, bool whole)
    {
        _current = block;
        _currentWhole = whole;
        var slot = Slot(block);
        _blockIndex[slot] = -1;
        _sums.AsSpan(slot * _length, _length).Clear();
        _present[slot] = 0;
        _tonal[slot] = 0;
        _quietest[slot] = double.MaxValue;
        _piece = 0;
        Array.Clear(_floor);
        double present = 0, tonal = 0, quietest = double.MaxValue;
        var counted = 0;
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            present += _present[Slot(j)];
            tonal += _tonal[Slot(j)];
            quietest = Math.Min(quietest, _quietest[Slot(j)]);
            counted++;
        }
        var cells = (double)counted * _blockFrames * Bins;
        PresentShare = counted == 0 ? 0 : present / cells;
        TonalShare = counted == 0 ? 0 : tonal / cells;
        Weight = Math.Clamp((PresentShare - _shareFrom) / (_shareTo - _shareFrom), 0, 1)
               * Math.Clamp(1 - TonalShare / _tonalShareMax, 0, 1);
        Depth = 0;
        if (Weight > 0)
        {
            // Babble does not pause: how far the quietest piece lies under the window's mean (all bins).
            double sum = 0;
            for (var j = block - _blocks; j < block; j++)
            {
                if (j < 0 || _blockIndex[Slot(j)] != j) continue;
                foreach (var v in _sums.AsSpan(Slot(j) * _length, _length)) sum += v;
            }
            var mean = sum / (counted * (_blockFrames / _pieceFrames)); // per piece, as the quietest is
            Depth = 10 * Math.Log10(Math.Max(mean, 1e-30) / Math.Max(quietest, 1e-30));
            Weight *= Math.Clamp((_depthTo - Depth) / (_depthTo - _depthFrom), 0, 1);
        }
        if (Weight <= 0) return;
        var scale = (float)(Weight * _fraction / (counted * _blockFrames));
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            var sums = _sums.AsSpan(Slot(j) * _length, _length);
            for (var k = 0; k < _length; k++) _floor[k] += sums[k] * scale;
        }
    }
    private int Slot(long block) => (int)(block % (_blocks + 1));
}
