using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// A floor under the noise estimate for noise made of speech (babble), for one channel. The
/// speech-presence tracker follows babble's dips and takes its peaks for speech, so its noise sits
/// far under the babble and the babble passes. That shows in the tracker itself: over seconds, it
/// calls speech present (P(H1|y) &gt; 0.9, see <see cref="PresentRatio"/>) in a far larger share of the spectrogram than speech
/// fills (measured on espeak-ng speech: 4–12 % over pink noise at 0–10 dB SNR; 37–41 % with four
/// other talkers under it). When that share F, over the last <see cref="SpeechEnhancerOptions.BabbleWindowSeconds"/>,
/// exceeds <see cref="SpeechEnhancerOptions.BabbleShareFrom"/>, the noise becomes at least
/// w·<see cref="SpeechEnhancerOptions.BabbleFloorDb"/>·(the input's mean power per bin over that window), w rising
/// linearly to 1 at <see cref="SpeechEnhancerOptions.BabbleShareTo"/>; on stationary noise nothing changes.
/// </summary>
/// <remarks>
/// The window is whole blocks of about ½ s counted from frame 0, and only blocks the run saw whole
/// count: the floor is a function of the window's frames (and of the tracker, which converges within
/// the chunk context), which keeps the output independent of the chunk size. It changes once per
/// block. Not thread-safe.
/// </remarks>
public sealed class BabbleNoiseFloor
{
    /// <summary>
    /// A bin counts as speech where its power exceeds the noise by this factor (7.7 dB): where the tracker's
    /// P(H1|y) passes 0.9 with its default prior and 15 dB speech SNR.
    /// </summary>
    public const float PresentRatio = 5.83f;

    private readonly int _length, _blockFrames, _blocks;
    private readonly double _shareFrom, _shareTo;
    private readonly float _fraction;
    private readonly float[] _sums;        // [(blocks + 1) slots][length]: each block's summed power
    private readonly double[] _present;    // per slot: bins × frames with speech present
    private readonly long[] _blockIndex;   // the block each slot holds whole, −1 for none
    private readonly float[] _floor;       // the floor from the window before the current block
    private long _current = -1;
    private bool _currentWhole;

    /// <param name="options">The settings (the Babble* ones).</param>
    /// <param name="length">Padded bins per frame.</param>
    /// <param name="bins">Real bins (the share counts these).</param>
    /// <param name="frameSeconds">Time between frames.</param>
    public BabbleNoiseFloor(SpeechEnhancerOptions options, int length, int bins, double frameSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        SpeechPresenceNoiseTracker.CheckLengths(length);
        _length = length;
        Bins = bins;
        _blockFrames = Math.Max(1, (int)Math.Round(0.5 / frameSeconds));
        _blocks = Math.Max(1, (int)Math.Round(options.BabbleWindowSeconds / (_blockFrames * frameSeconds)));
        _shareFrom = options.BabbleShareFrom;
        _shareTo = options.BabbleShareTo;
        _fraction = (float)Math.Pow(10, options.BabbleFloorDb / 10);
        _sums = new float[(_blocks + 1) * length];
        _present = new double[_blocks + 1];
        _blockIndex = new long[_blocks + 1];
        _floor = new float[length];
        Reset();
    }

    /// <summary>Real bins per frame.</summary>
    public int Bins { get; }

    /// <summary>Frames the floor looks back at most.</summary>
    public int WindowFrames => (_blocks + 1) * _blockFrames;

    /// <summary>The share of the window where the tracker called speech present, as of the current block (for tests and diagnostics).</summary>
    public double PresentShare { get; private set; }

    /// <summary>Forgets everything (a run begins).</summary>
    public void Reset()
    {
        Array.Clear(_sums);
        Array.Clear(_present);
        Array.Fill(_blockIndex, -1L);
        Array.Clear(_floor);
        _current = -1;
        PresentShare = 0;
    }

    /// <summary>
    /// Frame <paramref name="frame"/> (counted from the signal's start): its power and the noise so far (the tracker's,
    /// raised by the tonal memory: remembered notes do not count as speech) in; <paramref name="noise"/> raised in place
    /// to the floor. Spans of one length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(long frame, ReadOnlySpan<float> power, ReadOnlySpan<float> tracked, Span<float> noise)
    {
        SpeechPresenceNoiseTracker.CheckLengths(_length, power.Length, tracked.Length, noise.Length);
        ref var rt = ref MemoryMarshal.GetReference(tracked);
        var block = frame / _blockFrames;
        if (block != _current) Begin(block, whole: frame % _blockFrames == 0);
        var slot = Slot(block);
        var sums = _sums.AsSpan(slot * _length, _length);
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rs = ref MemoryMarshal.GetReference(sums);
        ref var rf = ref MemoryMarshal.GetReference(_floor.AsSpan());
        ref var rn = ref MemoryMarshal.GetReference(noise);
        var ratio = new Vector<float>(PresentRatio);
        var counts = Vector<int>.Zero;
        for (var k = 0; k < _length; k += Vector<float>.Count)
        {
            var y = Vector.LoadUnsafe(ref rp, (nuint)k);
            var n = Vector.LoadUnsafe(ref rn, (nuint)k);
            counts -= Vector.BitwiseAnd(Vector.GreaterThan(y, ratio * n), Vector.LessThanOrEqual(n, Vector.LoadUnsafe(ref rt, (nuint)k))); // true is −1; the pad bins hold 0 power and never count
            (Vector.LoadUnsafe(ref rs, (nuint)k) + y).StoreUnsafe(ref rs, (nuint)k);
            Vector.Max(n, Vector.LoadUnsafe(ref rf, (nuint)k)).StoreUnsafe(ref rn, (nuint)k);
        }
        _present[slot] += Vector.Sum(counts);
        if ((frame + 1) % _blockFrames == 0 && _currentWhole) _blockIndex[slot] = block;
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
        Array.Clear(_floor);
        double present = 0;
        var counted = 0;
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            present += _present[Slot(j)];
            counted++;
        }
        PresentShare = counted == 0 ? 0 : present / ((double)counted * _blockFrames * Bins);
        var weight = Math.Clamp((PresentShare - _shareFrom) / (_shareTo - _shareFrom), 0, 1);
        if (weight <= 0) return;
        var scale = (float)(weight * _fraction / (counted * _blockFrames));
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            var sums = _sums.AsSpan(Slot(j) * _length, _length);
            for (var k = 0; k < _length; k++) _floor[k] += sums[k] * scale;
        }
    }

    private int Slot(long block) => (int)(block % (_blocks + 1));
}
