using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// A ceiling on the speech-presence tracker's noise, for one channel: per bin, the quietest 128 ms
/// (mean power) of the last <see cref="SpeechEnhancerOptions.CeilingWindowSeconds"/>, raised by
/// <see cref="SpeechEnhancerOptions.CeilingOverMinimumDb"/> (minimum statistics, Martin 2001, as a bound).
/// Under sound the tracker takes for speech all the time (music between its partials), its noise
/// moves by 0.05 % a frame (it updates with 1 − P(H1|y) ≥ 0.01 of the 5 % a frame it forgets), so where
/// a run began shows for minutes: 52 dB between 30 s chunks and the whole pass on music-like noise.
/// The ceiling is a function of the window's frames alone; where it binds, both runs hold the same
/// value and go on alike. On stationary noise the quietest 128 ms of 5 s lie about 8 dB under the
/// mean, so a ceiling 15 dB over them seldom binds.
/// </summary>
/// <remarks>Blocks of 4 × 128 ms counted from frame 0, only blocks the run saw whole. Not thread-safe.</remarks>
public sealed class NoiseCeiling
{
    private readonly int _length, _pieceFrames, _blockFrames, _blocks;
    private readonly float _over;
    private readonly float[] _minima;    // [(blocks + 1) slots][length]: each block's quietest piece (summed power)
    private readonly float[] _piece;     // the current piece's summed power
    private readonly float[] _ceiling;   // from the window's whole blocks before the current one
    private readonly long[] _blockIndex; // the block each slot holds whole, −1 for none
    private long _current = -1;
    private bool _currentWhole;

    /// <param name="options">The settings (the Ceiling* ones).</param>
    /// <param name="length">Padded bins per frame.</param>
    /// <param name="frameSeconds">Time between frames.</param>
    public NoiseCeiling(SpeechEnhancerOptions options, int length, double frameSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        SpeechPresenceNoiseTracker.CheckLengths(length);
        _length = length;
        _pieceFrames = Math.Max(1, (int)Math.Round(0.125 / frameSeconds));
        _blockFrames = 4 * _pieceFrames;
        _blocks = Math.Max(1, (int)Math.Round(options.CeilingWindowSeconds / (_blockFrames * frameSeconds)));
        _over = (float)(Math.Pow(10, options.CeilingOverMinimumDb / 10) / _pieceFrames);
        _minima = new float[(_blocks + 1) * length];
        _piece = new float[length];
        _ceiling = new float[length];
        _blockIndex = new long[_blocks + 1];
        Reset();
    }

    /// <summary>Frames the ceiling looks back at most.</summary>
    public int WindowFrames => (_blocks + 1) * _blockFrames;

    /// <summary>Forgets everything (a run begins).</summary>
    public void Reset()
    {
        Array.Fill(_minima, float.MaxValue);
        Array.Clear(_piece);
        Array.Fill(_ceiling, float.MaxValue);
        Array.Fill(_blockIndex, -1L);
        _current = -1;
    }

    /// <summary>
    /// Frame <paramref name="frame"/> (counted from the signal's start): its power in; the tracker's <paramref name="noise"/>
    /// lowered in place to the ceiling (kept over the tracker's floor). Spans of one length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(long frame, ReadOnlySpan<float> power, Span<float> noise)
    {
        SpeechPresenceNoiseTracker.CheckLengths(_length, power.Length, noise.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        var block = frame / _blockFrames;
        if (block != _current) Begin(block, whole: frame % _blockFrames == 0);
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rq = ref MemoryMarshal.GetReference(_piece.AsSpan());
        ref var rc = ref MemoryMarshal.GetReference(_ceiling.AsSpan());
        ref var rn = ref MemoryMarshal.GetReference(noise);
        var floor = new Vector<float>(SpeechPresenceNoiseTracker.NoiseFloor);
        for (var k = 0; k < _length; k += Vector<float>.Count)
        {
            (Vector.LoadUnsafe(ref rq, (nuint)k) + Vector.LoadUnsafe(ref rp, (nuint)k)).StoreUnsafe(ref rq, (nuint)k);
            var capped = Vector.Min(Vector.LoadUnsafe(ref rn, (nuint)k), Vector.Max(Vector.LoadUnsafe(ref rc, (nuint)k), floor));
            capped.StoreUnsafe(ref rn, (nuint)k);
        }
        if ((frame + 1) % _pieceFrames == 0)
        {
            var minima = _minima.AsSpan(Slot(block) * _length, _length);
            for (var k = 0; k < _length; k++) minima[k] = Math.Min(minima[k], _piece[k]);
            Array.Clear(_piece);
        }
        if ((frame + 1) % _blockFrames == 0 && _currentWhole) _blockIndex[Slot(block)] = block;
    }

    /// <summary>Starts <paramref name="block"/>: the ceiling from the window's whole blocks before it; clears its slot.</summary>
    private void Begin(long block, bool whole)
    {
        _current = block;
        _currentWhole = whole;
        var slot = Slot(block);
        _blockIndex[slot] = -1;
        _minima.AsSpan(slot * _length, _length).Fill(float.MaxValue);
        Array.Clear(_piece);
        Array.Fill(_ceiling, float.MaxValue);
        for (var j = block - _blocks; j < block; j++)
        {
            if (j < 0 || _blockIndex[Slot(j)] != j) continue;
            var minima = _minima.AsSpan(Slot(j) * _length, _length);
            for (var k = 0; k < _length; k++) _ceiling[k] = Math.Min(_ceiling[k], minima[k] * _over);
        }
    }

    private int Slot(long block) => (int)(block % (_blocks + 1));
}
