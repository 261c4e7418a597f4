using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Per bin, the largest power seen within a window of past frames, each lowered by how long ago it
/// came: at frame t the value is max over frames f in the window of power_f · r^(t − f), r = 10^(−decay/10)
/// for a decay in dB per frame.
/// The window is whole blocks of frames counted from frame 0 (the current block and the
/// <c>blocks</c> before it), so the value is a function of the levels in that window alone, not of
/// where a run began: a chunk whose run starts at least the window's length earlier gets the value a
/// whole-signal run gets. Powers of <see cref="Empty"/> (0) add nothing.
/// </summary>
/// <remarks>
/// Each block keeps, per bin, the max of power_f · r^−(f − blockStart) (at most r^−blockFrames, a few dB);
/// the completed blocks' maximum is folded once per block, so a frame costs one pass over the bins and
/// no logarithm. Not thread-safe.
/// </remarks>
public sealed class DecayingWindowMaximum
{
    /// <summary>The power of "nothing here".</summary>
    public const float Empty = 0;

    private readonly int _length, _blockFrames, _blocks;
    private readonly double _factor;      // r, per frame
    private readonly float[] _rise;       // r^−i for i in [0, blockFrames)
    private readonly float[] _blockMax;   // [(blocks + 1) slots][length]
    private readonly long[] _blockIndex;  // the block each slot holds, −1 for none
    private readonly float[] _completed;  // max over the window's completed blocks, as of the current block's start
    private long _current = -1;

    /// <param name="length">Values per frame (a multiple of Vector&lt;float&gt;.Count).</param>
    /// <param name="blockFrames">Frames per block.</param>
    /// <param name="blocks">Completed blocks the window holds besides the current one.</param>
    /// <param name="decayDbPerFrame">How much a power falls per frame of age (dB, ≥ 0).</param>
    public DecayingWindowMaximum(int length, int blockFrames, int blocks, double decayDbPerFrame)
    {
        SpeechPresenceNoiseTracker.CheckLengths(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(decayDbPerFrame);
        (_length, _blockFrames, _blocks) = (length, blockFrames, blocks);
        _factor = Math.Pow(10, -decayDbPerFrame / 10);
        _rise = Enumerable.Range(0, blockFrames).Select(i => (float)Math.Pow(_factor, -i)).ToArray();
        _blockMax = new float[(blocks + 1) * length];
        _blockIndex = new long[blocks + 1];
        _completed = new float[length];
        Reset();
    }

    /// <summary>Frames the window spans at most: (blocks + 1) · blockFrames.</summary>
    public int WindowFrames => (_blocks + 1) * _blockFrames;

    /// <summary>Forgets every level (a run begins).</summary>
    public void Reset()
    {
        Array.Fill(_blockMax, Empty);
        Array.Fill(_blockIndex, -1L);
        Array.Fill(_completed, Empty);
        _current = -1;
    }

    /// <summary>
    /// Adds frame <paramref name="frame"/>'s <paramref name="powers"/> (<see cref="Empty"/> for none) and gives the
    /// window's decayed maximum at that frame in <paramref name="maximum"/>. Frames must come in increasing order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(long frame, ReadOnlySpan<float> powers, Span<float> maximum)
    {
        SpeechPresenceNoiseTracker.CheckLengths(_length, powers.Length, maximum.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        var block = frame / _blockFrames;
        if (block != _current) Begin(block);
        var blockStart = block * _blockFrames;
        var row = _blockMax.AsSpan(Slot(block) * _length, _length);
        var age = (int)(frame - blockStart);
        ref var rl = ref MemoryMarshal.GetReference(powers);
        ref var rr = ref MemoryMarshal.GetReference(row);
        ref var rc = ref MemoryMarshal.GetReference(_completed.AsSpan());
        ref var rm = ref MemoryMarshal.GetReference(maximum);
        var rise = new Vector<float>(_rise[age]);
        var fall = new Vector<float>(1 / _rise[age]);
        for (var k = 0; k < _length; k += Vector<float>.Count)
        {
            var held = Vector.Max(Vector.LoadUnsafe(ref rr, (nuint)k), Vector.LoadUnsafe(ref rl, (nuint)k) * rise);
            held.StoreUnsafe(ref rr, (nuint)k);
            (Vector.Max(held, Vector.LoadUnsafe(ref rc, (nuint)k)) * fall).StoreUnsafe(ref rm, (nuint)k);
        }
    }

    /// <summary>Starts <paramref name="block"/>: folds the window's completed blocks into one maximum as of its start, clears its slot.</summary>
    private void Begin(long block)
    {
        _current = block;
        var slot = Slot(block);
        _blockIndex[slot] = block;
        _blockMax.AsSpan(slot * _length, _length).Fill(Empty);
        _completed.AsSpan().Fill(Empty);
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            var lowered = (float)Math.Pow(_factor, (block - j) * _blockFrames);
            var row = _blockMax.AsSpan(Slot(j) * _length, _length);
            for (var k = 0; k < _length; k++) _completed[k] = Math.Max(_completed[k], row[k] * lowered);
        }
    }

    private int Slot(long block) => (int)(block % (_blocks + 1));
}
