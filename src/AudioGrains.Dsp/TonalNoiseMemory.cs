using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Remembers held notes as noise, for one channel. The speech-presence tracker takes a note for speech
/// (it stands well over the noise) and leaves it in; speech's harmonics glide with its pitch, a note's
/// partials stay put. So a bin whose level moves by at most <see cref="SpeechEnhancerOptions.TonalStepDb"/>
/// from frame to frame for <see cref="SpeechEnhancerOptions.TonalMinimumSeconds"/> and stands
/// <see cref="SpeechEnhancerOptions.TonalPeakSnrDb"/> over its neighbourhood (the mean power of the bins 4 to 8
/// away on either side: a spectral peak) is tonal; its level goes into a
/// <see cref="DecayingWindowMaximum"/> (falling by 1/e in power every <see cref="SpeechEnhancerOptions.TonalMemorySeconds"/>,
/// held for at most <see cref="SpeechEnhancerOptions.TonalHoldSeconds"/>), and the noise the estimator uses is
/// the larger of the tracker's and that memory: notes that come back are expected in their bins.
/// </summary>
/// <remarks>
/// The memory's value depends on the last TonalHoldSeconds of frames only, not on any recursive state:
/// which keeps the output independent of the chunk size. (Measuring the peak against the tracker's
/// noise instead, whose state converges only slowly under music, gave 49 dB between 30 s chunks and
/// the whole pass on music-like noise, against the ≥ 90 dB wanted.) Not thread-safe.
/// </remarks>
public sealed class TonalNoiseMemory
{
    private readonly float _step, _peakSnr;
    private readonly int _minimumFrames;
    /// <summary>A bin's neighbourhood: the bins this far from it and further, up to <see cref="NeighbourhoodOuter"/> (past a Hann window's main lobe).</summary>
    public const int NeighbourhoodInner = 4;

    /// <summary>The far edge of a bin's neighbourhood.</summary>
    public const int NeighbourhoodOuter = 8;

    private readonly int _bins;
    private readonly float[] _previous, _run, _levels, _remembered, _neighbourhood;
    private readonly double[] _cumulative;
    private readonly DecayingWindowMaximum _memory;

    /// <param name="options">The settings (the Tonal* ones).</param>
    /// <param name="length">Padded bins per frame.</param>
    /// <param name="bins">Real bins per frame (the rest are padding).</param>
    /// <param name="frameSeconds">Time between frames.</param>
    public TonalNoiseMemory(SpeechEnhancerOptions options, int length, int bins, double frameSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, length);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        _bins = bins;
        _neighbourhood = new float[length];
        _cumulative = new double[bins + 1];
        _step = (float)Math.Pow(10, options.TonalStepDb / 10);
        _peakSnr = (float)Math.Pow(10, options.TonalPeakSnrDb / 10);
        _minimumFrames = Math.Max(1, (int)Math.Round(options.TonalMinimumSeconds / frameSeconds));
        var blockFrames = Math.Max(1, (int)Math.Round(1.0 / frameSeconds)); // blocks of about 1 s
        var blocks = Math.Max(0, (int)Math.Floor(options.TonalHoldSeconds / (blockFrames * frameSeconds)) - 1);
        // Power falling by 1/e every TonalMemorySeconds: 10·log10(e) = 4.34 dB.
        _memory = new DecayingWindowMaximum(length, blockFrames, blocks, 10 * Math.Log10(Math.E) * frameSeconds / options.TonalMemorySeconds);
        _previous = new float[length];
        _run = new float[length];
        _levels = new float[length];
        _remembered = new float[length];
        Reset();
    }

    /// <summary>Frames the memory looks back at most.</summary>
    public int WindowFrames => _memory.WindowFrames;

    /// <summary>Forgets every note (a run begins).</summary>
    public void Reset()
    {
        Array.Clear(_previous);
        Array.Clear(_run);
        _memory.Reset();
    }

    /// <summary>
    /// Frame <paramref name="frame"/> (counted from the signal's start): its power |Y|² and the tracker's noise in,
    /// the noise the estimator uses out, max(tracker, memory). Spans of one length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(long frame, ReadOnlySpan<float> power, ReadOnlySpan<float> trackerNoise, Span<float> noise)
    {
        SpeechPresenceNoiseTracker.CheckLengths(power.Length, trackerNoise.Length, noise.Length, _levels.Length);
        Neighbourhood(power);
        ref var ra = ref MemoryMarshal.GetReference(_neighbourhood.AsSpan());
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rt = ref MemoryMarshal.GetReference(trackerNoise);
        ref var rv = ref MemoryMarshal.GetReference(_previous.AsSpan());
        ref var rr = ref MemoryMarshal.GetReference(_run.AsSpan());
        ref var rl = ref MemoryMarshal.GetReference(_levels.AsSpan());
        var floor = new Vector<float>(SpeechPresenceNoiseTracker.NoiseFloor);
        var step = new Vector<float>(_step);
        var peak = new Vector<float>(_peakSnr);
        var minimum = new Vector<float>(_minimumFrames);
        var empty = new Vector<float>(DecayingWindowMaximum.Empty);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
        {
            // Steady: the power within a factor 10^(TonalStepDb/10) of the previous frame's, either way (no logarithm).
            var level = Vector.Max(Vector.LoadUnsafe(ref rp, (nuint)k), floor);
            var previous = Vector.LoadUnsafe(ref rv, (nuint)k);
            var steady = Vector.BitwiseAnd(Vector.LessThanOrEqual(level, step * previous), Vector.LessThanOrEqual(previous, step * level));
            // The run is capped at the minimum: whether a bin is tonal then depends on the last few frames alone.
            var run = Vector.ConditionalSelect(steady, Vector.Min(Vector.LoadUnsafe(ref rr, (nuint)k) + Vector<float>.One, minimum), Vector<float>.Zero);
            var over = Vector.GreaterThanOrEqual(Vector.LoadUnsafe(ref rp, (nuint)k), peak * Vector.LoadUnsafe(ref ra, (nuint)k));
            var tonal = Vector.BitwiseAnd(Vector.GreaterThanOrEqual(run, minimum), over);
            Vector.ConditionalSelect(tonal, level, empty).StoreUnsafe(ref rl, (nuint)k);
            run.StoreUnsafe(ref rr, (nuint)k);
            level.StoreUnsafe(ref rv, (nuint)k);
        }
        _memory.Update(frame, _levels, _remembered);
        ref var rm = ref MemoryMarshal.GetReference(_remembered.AsSpan());
        ref var rn = ref MemoryMarshal.GetReference(noise);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
            Vector.Max(Vector.LoadUnsafe(ref rt, (nuint)k), Vector.LoadUnsafe(ref rm, (nuint)k)).StoreUnsafe(ref rn, (nuint)k);
    }

    /// <summary>Each real bin's neighbourhood mean power (bins NeighbourhoodInner to NeighbourhoodOuter away on either side, within the spectrum) into _neighbourhood.</summary>
    private void Neighbourhood(ReadOnlySpan<float> power)
    {
        var sums = _cumulative;
        for (var k = 0; k < _bins; k++) sums[k + 1] = sums[k] + power[k];
        for (var k = 0; k < _bins; k++)
        {
            int lowFrom = Math.Max(0, k - NeighbourhoodOuter), lowTo = Math.Max(0, k - NeighbourhoodInner + 1);
            int highFrom = Math.Min(_bins, k + NeighbourhoodInner), highTo = Math.Min(_bins, k + NeighbourhoodOuter + 1);
            var count = lowTo - lowFrom + highTo - highFrom;
            var sum = sums[lowTo] - sums[lowFrom] + sums[highTo] - sums[highFrom];
            _neighbourhood[k] = count == 0 ? float.MaxValue : (float)(sum / count);
        }
        _neighbourhood.AsSpan(_bins).Fill(float.MaxValue); // the padding is never tonal
    }
}
