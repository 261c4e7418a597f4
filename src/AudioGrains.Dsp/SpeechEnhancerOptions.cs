namespace AudioGrains.Dsp;

/// <summary>
/// Settings of the <c>speech</c> noise reduction (<see cref="SpeechEnhancer"/>): the MMSE log-spectral
/// amplitude gain (Ephraim and Malah 1985) with a cepstrally smoothed (or decision-directed) a-priori SNR, fed by the
/// speech-presence-probability noise tracker of Gerkmann and Hendriks (2012), whose noise the gain
/// sees raised by a memory of held notes (<see cref="TonalNoiseMemory"/>) and a floor for babble
/// (<see cref="BabbleNoiseFloor"/>). The defaults are the papers' values, except where a comment gives
/// this implementation's measurement.
/// </summary>
public sealed record SpeechEnhancerOptions
{
    /// <summary>Every setting at its default.</summary>
    public static SpeechEnhancerOptions Defaults { get; } = new();

    /// <summary>
    /// The frame step the per-frame weights below are given for: 16 ms (hop 256 at 16 kHz). At another
    /// step each weight w becomes w^(step / 16 ms), which keeps its time constant.
    /// </summary>
    public const double ReferenceFrameSeconds = 0.016;

    /// <summary>
    /// Decision-directed weight of the previous frame's clean-speech estimate (Ephraim–Malah's α), per
    /// 16 ms frame (<see cref="ReferenceFrameSeconds"/>); used only with <see cref="CepstralPrioriSnr"/> off. The
    /// paper's 0.98 is for 50 % overlap; at this STFT's 75 % overlap, 0.95 measured better (SI-SDR on
    /// pink noise at 10 dB: +4.3 dB against +3.6 dB), and with the tonal memory and the babble floor
    /// 0.9 better still (issue 13's table, improvement at 0 / 5 / 10 dB: pink +6.21 / +5.50 / +4.61 against
    /// +6.26 / +5.36 / +4.33 with 0.95; music +3.56 / +2.71 / +1.81 against +3.34 / +2.20 / +1.20; babble
    /// +0.61 / +1.41 / +1.17 against +0.60 / +1.31 / +0.45).
    /// </summary>
    public double DecisionDirectedWeight { get; init; } = 0.9;

    /// <summary>Floor of the a-priori SNR, dB: the lowest SNR the gain believes in (−25 dB: Cappé 1994).</summary>
    public double MinimumPrioriSnrDb { get; init; } = -25;

    /// <summary>Floor of the gain, dB: no bin is pulled down further (keeps residual noise natural, not "musical").</summary>
    public double MinimumGainDb { get; init; } = -20;

    /// <summary>Noise tracker: the a-priori SNR assumed when speech is present, dB (Gerkmann–Hendriks: 15).</summary>
    public double PresenceSnrDb { get; init; } = 15;

    /// <summary>Noise tracker: prior probability of speech presence (0.5: the likelihood ratio alone decides).</summary>
    public double PresencePrior { get; init; } = 0.5;

    /// <summary>
    /// Noise tracker: weight of the previous noise power in its recursive average, per 16 ms frame. The paper's 0.8 is
    /// per 16 ms frame at 50 % overlap; here frames come every 16 ms with 75 % overlap, and 0.95
    /// (a time constant of 0.3 s) gave a steadier estimate: SI-SDR on pink noise +0.5 to +1.7 dB.
    /// </summary>
    public double NoiseSmoothing { get; init; } = 0.95;

    /// <summary>Noise tracker: weight of the previous value in the smoothed presence probability that detects stagnation, per 16 ms frame.</summary>
    public double PresenceSmoothing { get; init; } = 0.9;

    /// <summary>Noise tracker: when the smoothed presence probability exceeds this, the probability is capped here, so the noise estimate cannot freeze.</summary>
    public double StagnationLimit { get; init; } = 0.99;

    /// <summary>
    /// Weight the gain by the tracker's speech presence probability p, G = G_LSA^p · G_min^(1 − p), as
    /// OM-LSA does (Cohen 2001): bins the tracker holds for noise go down to the floor, which removes
    /// the residual noise plain LSA leaves (measured on pink noise alone: −13 dB instead of −11 dB).
    /// </summary>
    public bool PresenceWeightedGain { get; init; } = true;

    /// <summary>
    /// Remember held notes as noise (<see cref="TonalNoiseMemory"/>): the noise the gain uses is the larger of the
    /// tracker's and the levels of bins that held steady over it. Music under speech otherwise passes as speech.
    /// </summary>
    public bool TonalMemory { get; init; } = true;

    /// <summary>
    /// Tonal memory: the most a held note's level moves from one frame to the next, dB. 0.8 lets the test music's
    /// decaying notes (0.23 dB a frame) through and keeps espeak-ng's vowels out (with 1 dB, babble's vowels were
    /// remembered too and babble at 10 dB lost 0.5 dB of SI-SDR).
    /// </summary>
    public double TonalStepDb { get; init; } = 0.8;

    /// <summary>Tonal memory: how long a bin must hold steady to count as a note, seconds.</summary>
    public double TonalMinimumSeconds { get; init; } = 0.1;

    /// <summary>Tonal memory: how far a note must stand over its neighbourhood (the bins 4 to 8 away on either side), dB.</summary>
    public double TonalPeakSnrDb { get; init; } = 6;

    /// <summary>Tonal memory: a remembered note's power falls by 1/e every this many seconds (4.3 dB).</summary>
    public double TonalMemorySeconds { get; init; } = 8;

    /// <summary>
    /// Tonal memory: the longest a note is remembered, seconds. At most <see cref="ConvergenceSeconds"/>: the memory
    /// looks back this far, and a chunk's context must cover it for the output not to depend on the chunk size.
    /// </summary>
    public double TonalHoldSeconds { get; init; } = 20;

    /// <summary>
    /// Put a floor under the noise estimate when the noise is made of speech (<see cref="BabbleNoiseFloor"/>): when the
    /// tracker calls speech present in much more of the spectrogram than speech fills, the noise is at least a
    /// fraction of the input's mean power over the last seconds.
    /// </summary>
    public bool BabbleFloor { get; init; } = true;

    /// <summary>Babble floor: the window the share of speech presence and the mean power are taken over, seconds.</summary>
    public double BabbleWindowSeconds { get; init; } = 8;

    /// <summary>Babble floor: the share of bins × frames with speech present (P &gt; 0.9) from which the floor comes in.</summary>
    public double BabbleShareFrom { get; init; } = 0.15;

    /// <summary>Babble floor: the share at which the floor is whole.</summary>
    public double BabbleShareTo { get; init; } = 0.3;

    /// <summary>
    /// Babble floor: the floor, dB relative to the input's mean power per bin over the window (speech included: the
    /// mean is the babble's and the speech's). Measured on issue 13's babble at 0 / 5 / 10 dB SNR: −3 dB gave
    /// +0.63 / +1.09 / −0.70 dB of SI-SDR, −5.2 dB +0.60 / +1.31 / +0.45, −7 dB +0.52 / +1.26 / +1.03 (decision-directed weight 0.95).
    /// </summary>
    public double BabbleFloorDb { get; init; } = -5.2;

    /// <summary>
    /// Babble floor: the share of bins × frames the tonal memory holds (notes) at which the floor is gone: music is not
    /// babble, and the floor would take the speech between its partials.
    /// </summary>
    public double BabbleTonalShareMax { get; init; } = 0.03;

    /// <summary>Babble floor: the depth (the window's mean power over its quietest 128 ms, all bins, dB) under which the floor is whole.</summary>
    public double BabbleDepthFromDb { get; init; } = 20;

    /// <summary>
    /// Babble floor: the depth at which the floor is gone. Babble does not pause; speech alone does, and clean speech
    /// (whose share of presence is as high as under babble: its noise is digital silence or a quiet room) gets no floor.
    /// </summary>
    public double BabbleDepthToDb { get; init; } = 30;

    /// <summary>Bound the tracker's noise by the quietest recent power (<see cref="NoiseCeiling"/>), so that under music its state forgets where a run began.</summary>
    public bool NoiseCeiling { get; init; } = true;

    /// <summary>Noise ceiling: the window whose quietest 128 ms bound the tracker's noise, seconds.</summary>
    public double CeilingWindowSeconds { get; init; } = 5;

    /// <summary>
    /// Noise ceiling: how far over the window's quietest 128 ms the tracker's noise may stand, dB. On pink noise the
    /// quietest 128 ms of 5 s lie about 8 dB under the mean, so 10 dB bound the tracker's own fluctuations: issue 13's
    /// pink noise, other draw (seed 6), at 0 / 5 dB SNR: +5.49 / +4.95 dB of SI-SDR with 10 dB, +5.87 / +5.23 with 15 dB,
    /// +5.89 / +5.25 without the ceiling. 20 dB no longer binds under music: its chunk seams fell to 71 dB (15 dB: 166 dB).
    /// </summary>
    public double CeilingOverMinimumDb { get; init; } = 15;

    /// <summary>
    /// Take the a-priori SNR from the maximum-likelihood speech power max(|Y|² − λ, ξ_min·λ) smoothed in the cepstrum
    /// (<see cref="CepstralSmoother"/>; Breithaupt, Gerkmann and Martin 2008) instead of the decision-directed estimate.
    /// The smoothing follows the spectral envelope and the pitch's harmonics frame by frame and averages the rest, the
    /// fine structure that noise makes, over about 0.15 s. Measured on issue 13's table (SI-SDR improvement at 0 / 5 / 10 dB):
    /// babble +1.34 / +2.18 / +1.53 dB against +0.63 / +1.42 / +1.23 with the decision-directed estimate, pink
    /// +6.46 / +5.70 / +4.74 against +6.21 / +5.50 / +4.61, music +3.89 / +2.98 / +2.29 against +3.59 / +2.75 / +1.98.
    /// </summary>
    public bool CepstralPrioriSnr { get; init; } = true;

    /// <summary>
    /// Cepstral smoothing: quefrencies up to this (ms) are the spectral envelope and follow the frame. 2.4 ms: everything
    /// under the shortest pitch period searched (<see cref="CepstralPitchMaxHz"/>). The paper's 0.4 ms (3 quefrencies at
    /// 8 kHz) smoothed formant movements away here: babble at 0 / 5 / 10 dB SNR +0.25 / +0.57 / −1.11 dB of SI-SDR, pink
    /// +4.59 / +4.39 / +3.53 (pitch threshold 0.2, smoothing 0.9).
    /// </summary>
    public double CepstralEnvelopeMs { get; init; } = 2.4;

    /// <summary>Cepstral smoothing: weight of the previous value at the envelope's quefrencies, per 16 ms frame (the paper's 0: none).</summary>
    public double CepstralEnvelopeSmoothing { get; init; } = 0;

    /// <summary>Cepstral smoothing: weight of the previous value at the pitch peak's quefrencies, per 16 ms frame (the paper's 0.2).</summary>
    public double CepstralPitchSmoothing { get; init; } = 0.2;

    /// <summary>
    /// Cepstral smoothing: weight of the previous value at every other quefrency, per 16 ms frame. The paper's 0.97 (at
    /// 8 kHz, 32 ms frames) smeared speech here: pink at 0 dB SNR +2.2 dB; 0.85 / 0.9 / 0.92: babble at 0 dB +1.23 /
    /// +1.34 / +1.37, pink at 0 dB +6.52 / +6.46 / +6.35, babble at 10 dB +1.77 / +1.53 / +1.38.
    /// </summary>
    public double CepstralSmoothing { get; init; } = 0.9;

    /// <summary>Cepstral smoothing: the lowest F0 searched, Hz.</summary>
    public double CepstralPitchMinHz { get; init; } = 70;

    /// <summary>Cepstral smoothing: the highest F0 searched, Hz.</summary>
    public double CepstralPitchMaxHz { get; init; } = 400;

    /// <summary>Cepstral smoothing: quefrencies on either side of the pitch peak smoothed as the peak (0 / 4: babble at 0 dB −0.2 dB).</summary>
    public int CepstralPitchHalfWidth { get; init; } = 2;

    /// <summary>
    /// Cepstral smoothing: the cepstral value (of the natural log of the power) the pitch peak must exceed to count as
    /// voiced. Lower thresholds let peaks of the noise's fine structure through unsmoothed: 0.2 / 0.3 / 0.4 / 0.5 / none
    /// gave pink at 0 dB SNR +5.45 / +5.88 / +6.46 / +6.56 / +6.54 dB of SI-SDR, babble at 0 dB +1.24 / +1.33 / +1.34 /
    /// +1.34 / +1.18, babble at 10 dB +1.75 / +1.73 / +1.53 / +1.11 / +0.18.
    /// </summary>
    public double CepstralPitchThreshold { get; init; } = 0.4;

    /// <summary>Cepstral smoothing: added to the smoothed log power, dB (the mean of a log-exponential lies γ_Euler = 2.5 dB under the log of the mean).</summary>
    public double CepstralBiasDb { get; init; } = 2.5;

    /// <summary>Frames whose mean power starts the noise estimate where a run begins (the signal's start, or a chunk's context).</summary>
    public int InitialNoiseFrames { get; init; } = 8;

    /// <summary>
    /// Audio a chunk runs the estimator over before its first output frame, so that its recursions
    /// forget where they began (seconds). Measured, 4.8 s chunks against one whole pass, SNR in every
    /// seam-distance bin: espeak-ng speech over pink noise 20 dB down (speech keeps the tracker's
    /// presence high for long, so its noise estimate moves slowly): 65 dB with 20 s, 91 dB with 30 s,
    /// ≥ 124 dB with 40 s; the gate's seam programme: ≥ 100 dB with 20 s. There is no bound for every
    /// signal (a tone held for minutes keeps the tracker away from its noise for as long).
    /// </summary>
    public double ConvergenceSeconds { get; init; } = 40;

    /// <summary>This instance when every setting is usable; otherwise an <see cref="ArgumentException"/> naming the bad value.</summary>
    public SpeechEnhancerOptions Validated()
    {
        if (!(DecisionDirectedWeight is >= 0 and < 1)) throw Bad($"DecisionDirectedWeight {DecisionDirectedWeight} must be in [0, 1).");
        if (!(MinimumPrioriSnrDb is >= -60 and <= 0)) throw Bad($"MinimumPrioriSnrDb {MinimumPrioriSnrDb} must be in [-60, 0] dB.");
        if (!(MinimumGainDb is >= -80 and <= 0)) throw Bad($"MinimumGainDb {MinimumGainDb} must be in [-80, 0] dB.");
        if (!(PresenceSnrDb is >= 0 and <= 40)) throw Bad($"PresenceSnrDb {PresenceSnrDb} must be in [0, 40] dB.");
        if (!(PresencePrior is > 0 and < 1)) throw Bad($"PresencePrior {PresencePrior} must be in (0, 1).");
        if (!(NoiseSmoothing is >= 0 and < 1)) throw Bad($"NoiseSmoothing {NoiseSmoothing} must be in [0, 1).");
        if (!(PresenceSmoothing is >= 0 and < 1)) throw Bad($"PresenceSmoothing {PresenceSmoothing} must be in [0, 1).");
        if (!(StagnationLimit is > 0 and < 1)) throw Bad($"StagnationLimit {StagnationLimit} must be in (0, 1).");
        if (InitialNoiseFrames < 1) throw Bad($"InitialNoiseFrames {InitialNoiseFrames} must be at least 1.");
        if (!(ConvergenceSeconds is >= 0 and <= 600)) throw Bad($"ConvergenceSeconds {ConvergenceSeconds} must be in [0, 600].");
        if (!(TonalStepDb is > 0 and <= 20)) throw Bad($"TonalStepDb {TonalStepDb} must be in (0, 20] dB.");
        if (!(TonalMinimumSeconds is > 0 and <= 10)) throw Bad($"TonalMinimumSeconds {TonalMinimumSeconds} must be in (0, 10] s.");
        if (!(TonalPeakSnrDb is >= 0 and <= 60)) throw Bad($"TonalPeakSnrDb {TonalPeakSnrDb} must be in [0, 60] dB.");
        if (!(TonalMemorySeconds is > 0 and <= 600)) throw Bad($"TonalMemorySeconds {TonalMemorySeconds} must be in (0, 600] s.");
        if (!(TonalHoldSeconds is >= 1 and <= 600)) throw Bad($"TonalHoldSeconds {TonalHoldSeconds} must be in [1, 600] s.");
        if (!(BabbleWindowSeconds is >= 1 and <= 600)) throw Bad($"BabbleWindowSeconds {BabbleWindowSeconds} must be in [1, 600] s.");
        if (!(BabbleShareFrom is >= 0 and < 1)) throw Bad($"BabbleShareFrom {BabbleShareFrom} must be in [0, 1).");
        if (!(BabbleShareTo > BabbleShareFrom && BabbleShareTo <= 1)) throw Bad($"BabbleShareTo {BabbleShareTo} must be in (BabbleShareFrom, 1].");
        if (!(CeilingWindowSeconds is >= 0.5 and <= 600)) throw Bad($"CeilingWindowSeconds {CeilingWindowSeconds} must be in [0.5, 600] s.");
        if (!(CeilingOverMinimumDb is >= 0 and <= 60)) throw Bad($"CeilingOverMinimumDb {CeilingOverMinimumDb} must be in [0, 60] dB.");
        if (NoiseCeiling && CeilingWindowSeconds + 1 > ConvergenceSeconds) throw Bad($"CeilingWindowSeconds {CeilingWindowSeconds} must be at least 1 s under ConvergenceSeconds {ConvergenceSeconds}.");
        if (!(CepstralEnvelopeMs is >= 0 and <= 20)) throw Bad($"CepstralEnvelopeMs {CepstralEnvelopeMs} must be in [0, 20] ms.");
        if (!(CepstralEnvelopeSmoothing is >= 0 and < 1)) throw Bad($"CepstralEnvelopeSmoothing {CepstralEnvelopeSmoothing} must be in [0, 1).");
        if (!(CepstralPitchSmoothing is >= 0 and < 1)) throw Bad($"CepstralPitchSmoothing {CepstralPitchSmoothing} must be in [0, 1).");
        if (!(CepstralSmoothing is >= 0 and < 1)) throw Bad($"CepstralSmoothing {CepstralSmoothing} must be in [0, 1).");
        if (!(CepstralPitchMinHz is >= 20 and <= 2000)) throw Bad($"CepstralPitchMinHz {CepstralPitchMinHz} must be in [20, 2000] Hz.");
        if (!(CepstralPitchMaxHz > CepstralPitchMinHz && CepstralPitchMaxHz <= 4000)) throw Bad($"CepstralPitchMaxHz {CepstralPitchMaxHz} must be in (CepstralPitchMinHz, 4000] Hz.");
        if (CepstralPitchHalfWidth is < 0 or > 50) throw Bad($"CepstralPitchHalfWidth {CepstralPitchHalfWidth} must be in [0, 50].");
        if (!(CepstralPitchThreshold is >= 0 and <= 100)) throw Bad($"CepstralPitchThreshold {CepstralPitchThreshold} must be in [0, 100].");
        if (!(CepstralBiasDb is >= -20 and <= 20)) throw Bad($"CepstralBiasDb {CepstralBiasDb} must be in [-20, 20] dB.");
        if (!(BabbleTonalShareMax is > 0 and <= 1)) throw Bad($"BabbleTonalShareMax {BabbleTonalShareMax} must be in (0, 1].");
        if (!(BabbleDepthFromDb is >= 0 and <= 100)) throw Bad($"BabbleDepthFromDb {BabbleDepthFromDb} must be in [0, 100] dB.");
        if (!(BabbleDepthToDb > BabbleDepthFromDb && BabbleDepthToDb <= 200)) throw Bad($"BabbleDepthToDb {BabbleDepthToDb} must be in (BabbleDepthFromDb, 200] dB.");
        if (!(BabbleFloorDb is >= -40 and <= 10)) throw Bad($"BabbleFloorDb {BabbleFloorDb} must be in [-40, 10] dB.");
        if (BabbleFloor && BabbleWindowSeconds + 1 > ConvergenceSeconds) throw Bad($"BabbleWindowSeconds {BabbleWindowSeconds} must be at least 1 s under ConvergenceSeconds {ConvergenceSeconds} (the chunk context must cover the window).");
        if (TonalMemory && TonalHoldSeconds > ConvergenceSeconds) throw Bad($"TonalHoldSeconds {TonalHoldSeconds} must not exceed ConvergenceSeconds {ConvergenceSeconds} (the chunk context must cover the memory).");
        return this;
    }

    private static ArgumentException Bad(string message) => new($"Invalid speech enhancer options: {message}");
}
