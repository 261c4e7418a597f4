using System.Numerics;
using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The <c>speech</c> noise reduction's per-frame estimator: for each STFT frame of each channel, the
/// noise power is tracked (<see cref="SpeechPresenceNoiseTracker"/>) and, for the gain, raised where
/// notes are held (<see cref="TonalNoiseMemory"/>) or the noise is babble (<see cref="BabbleNoiseFloor"/>),
/// the a-priori SNR is estimated (<see cref="CepstralSmoother"/>, or
/// <see cref="DecisionDirectedSnr"/>) and the log-spectral amplitude gain follows
/// (<see cref="LogSpectralAmplitudeGain"/>), weighted by the speech presence probability
/// (<see cref="PresenceWeightedGain"/>). Frames must come in order: the state (noise power,
/// smoothed presence, previous clean power) carries from one to the next.
/// </summary>
/// <remarks>
/// Float state, bins padded to whole vectors (the pad bins hold zeros and their gains are unused), no
/// allocation per frame. A run starts with <see cref="Begin"/> from the mean power of its first frames;
/// the state then forgets that start: a chunk that begins its run <see cref="SpeechEnhancerOptions.ConvergenceSeconds"/>
/// before its first output frame computes the gains a whole-signal run computes there (see
/// <see cref="SpectralGate.ContextFrames"/> for what was measured). Not thread-safe.
/// </remarks>
public sealed class SpeechEnhancer
{
    private readonly SpeechPresenceNoiseTracker.Constants _tracker;
    private readonly float _weight, _minimumPriori, _minimumGain;
    private readonly float[] _noise, _presence, _clean;                       // [channel][padded bin]
    private readonly float[] _priori, _posteriori, _framePresence, _lsaGain, _gainNoise; // scratch, one frame
    private readonly TonalNoiseMemory[]? _tonal;                              // [channel], when Options.TonalMemory
    private readonly BabbleNoiseFloor[]? _babble;                             // [channel], when Options.BabbleFloor
    private readonly NoiseCeiling[]? _ceiling;                                // [channel], when Options.NoiseCeiling
    private readonly CepstralSmoother[]? _cepstral;                           // [channel], when Options.CepstralPrioriSnr
    private readonly float[] _speechPower, _smoothedPower;                    // scratch, one frame

    /// <param name="options">The settings.</param>
    /// <param name="channels">Channels, each with its own state.</param>
    /// <param name="bins">Frequency bins per frame.</param>
    /// <param name="frameSeconds">Time between frames (hop / rate); the per-frame weights are scaled to it.</param>
    public SpeechEnhancer(SpeechEnhancerOptions options, int channels, int bins, double frameSeconds = SpeechEnhancerOptions.ReferenceFrameSeconds, double sampleRate = 16000)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Options = options;
        Channels = channels;
        Bins = bins;
        PaddedBins = PaddedLength(bins);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSeconds);
        _tracker = SpeechPresenceNoiseTracker.Constants.From(options, frameSeconds);
        _weight = (float)Math.Pow(options.DecisionDirectedWeight, frameSeconds / SpeechEnhancerOptions.ReferenceFrameSeconds);
        _minimumPriori = (float)Math.Pow(10, options.MinimumPrioriSnrDb / 10);
        _minimumGain = (float)Math.Pow(10, options.MinimumGainDb / 20);
        _noise = new float[channels * PaddedBins];
        _presence = new float[channels * PaddedBins];
        _clean = new float[channels * PaddedBins];
        _priori = new float[PaddedBins];
        _posteriori = new float[PaddedBins];
        _framePresence = new float[PaddedBins];
        _lsaGain = new float[PaddedBins];
        _gainNoise = new float[PaddedBins];
        if (options.TonalMemory)
            _tonal = Enumerable.Range(0, channels).Select(_ => new TonalNoiseMemory(options, PaddedBins, bins, frameSeconds)).ToArray();
        if (options.NoiseCeiling)
            _ceiling = Enumerable.Range(0, channels).Select(_ => new NoiseCeiling(options, PaddedBins, frameSeconds)).ToArray();
        _speechPower = new float[PaddedBins];
        _smoothedPower = new float[PaddedBins];
        if (options.CepstralPrioriSnr)
            _cepstral = Enumerable.Range(0, channels).Select(_ => new CepstralSmoother(options, bins, sampleRate, frameSeconds)).ToArray();
        if (options.BabbleFloor)
            _babble = Enumerable.Range(0, channels).Select(_ => new BabbleNoiseFloor(options, PaddedBins, bins, frameSeconds)).ToArray();
    }

    public SpeechEnhancerOptions Options { get; }

    public int Channels { get; }

    /// <summary>Frequency bins per frame.</summary>
    public int Bins { get; }

    /// <summary>Bins rounded up to whole Vector&lt;float&gt;s: the length of the power and gain spans.</summary>
    public int PaddedBins { get; }

    /// <summary><paramref name="bins"/> rounded up to a multiple of Vector&lt;float&gt;.Count.</summary>
    public static int PaddedLength(int bins) => (bins + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    /// <summary>
    /// Starts a run of <paramref name="channel"/>: the noise power from <paramref name="initialNoise"/>
    /// (the mean |Y|² of the run's first frames, padded), presence ½ (no evidence either way), no previous speech.
    /// </summary>
    public void Begin(int channel, ReadOnlySpan<float> initialNoise)
    {
        var noise = Row(_noise, channel);
        if (initialNoise.Length != PaddedBins) throw new ArgumentException($"Expected {PaddedBins} values, got {initialNoise.Length}.", nameof(initialNoise));
        for (var k = 0; k < noise.Length; k++) noise[k] = Math.Max(initialNoise[k], SpeechPresenceNoiseTracker.NoiseFloor);
        Row(_presence, channel).Fill(0.5f);
        Row(_clean, channel).Clear();
        _tonal?[channel].Reset();
        _babble?[channel].Reset();
        _ceiling?[channel].Reset();
        _cepstral?[channel].Reset();
    }

    /// <summary>
    /// One frame of <paramref name="channel"/>: its power |Y|² (padded) in, its gains (padded) out.
    /// <paramref name="frame"/> is the frame's index counted from the signal's start (the tonal memory's
    /// window is aligned to it, so that chunked runs and the whole-signal run agree).
    /// <paramref name="framesBeforeGains"/>: how many frames lie between this one and the first whose gains are used (a
    /// chunk's context). With the cepstral a-priori SNR the gains feed no recursion, so a frame more than
    /// <see cref="CepstralSmoother.SettlingFrames"/> ahead only updates the noise state and leaves <paramref name="gain"/> alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(int channel, long frame, ReadOnlySpan<float> power, Span<float> gain, long framesBeforeGains = 0)
    {
        var tracked = Row(_noise, channel);
        var clean = Row(_clean, channel);
        SpeechPresenceNoiseTracker.Update(power, tracked, Row(_presence, channel), _framePresence, _tracker);
        _ceiling?[channel].Step(frame, power, tracked);
        // The gain's noise: the tracker's, raised by the tonal memory and the babble floor; the tracker keeps its own.
        if (_tonal is not null) _tonal[channel].Step(frame, power, tracked, _gainNoise);
        else tracked.CopyTo(_gainNoise);
        _babble?[channel].Step(frame, power, tracked, _gainNoise);
        if (_cepstral is not null && framesBeforeGains > _cepstral[channel].SettlingFrames) return;
        ReadOnlySpan<float> noise = _gainNoise;
        // γ (and, without the cepstral estimate, the decision-directed ξ).
        DecisionDirectedSnr.Estimate(power, noise, clean, _weight, _minimumPriori, _priori, _posteriori);
        if (_cepstral is not null) CepstralPriori(_cepstral[channel], power, noise);
        // The a-priori SNR carries the gain under speech presence (OM-LSA's G_H1), not the weighted one.
        LogSpectralAmplitudeGain.Compute(_priori, _posteriori, _minimumGain, _lsaGain);
        if (_cepstral is null) CleanPower(_lsaGain, power, clean);
        if (Options.PresenceWeightedGain) PresenceWeightedGain.Apply(_lsaGain, _framePresence, _minimumGain, gain);
        else _lsaGain.CopyTo(gain);
    }

    /// <summary>ξ = the maximum-likelihood speech power max(|Y|² − λ, ξ_min·λ), smoothed in the cepstrum, over λ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CepstralPriori(CepstralSmoother smoother, ReadOnlySpan<float> power, ReadOnlySpan<float> noise)
    {
        var min = new Vector<float>(_minimumPriori);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
        {
            var lambda = new Vector<float>(noise[k..]);
            Vector.Max(new Vector<float>(power[k..]) - lambda, min * lambda).CopyTo(_speechPower.AsSpan(k));
        }
        smoother.Step(_speechPower, _smoothedPower);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
            Vector.Max(new Vector<float>(_smoothedPower, k) / new Vector<float>(noise[k..]), min).CopyTo(_priori.AsSpan(k));
    }

    /// <summary>The noise power the tracker holds for <paramref name="channel"/> (padded), for tests and diagnostics.</summary>
    public ReadOnlySpan<float> NoisePower(int channel) => Row(_noise, channel);

    /// <summary>clean[k] = gain[k]²·power[k]: the clean-speech power estimate the next frame's a-priori SNR starts from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CleanPower(ReadOnlySpan<float> gain, ReadOnlySpan<float> power, Span<float> clean)
    {
        for (var k = 0; k < clean.Length; k += Vector<float>.Count)
        {
            var g = new Vector<float>(gain[k..]);
            (g * g * new Vector<float>(power[k..])).CopyTo(clean[k..]);
        }
    }

    private Span<float> Row(float[] state, int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        return state.AsSpan(channel * PaddedBins, PaddedBins);
    }
}
