namespace AudioGrains.Dsp;

/// <summary>Which noise reduction <see cref="SpectralGate"/> applies: noisereduce's two gates, the speech estimator, or none.</summary>
public enum DenoiseMode
{
    /// <summary>No gating; the band limit and centre extraction still apply when set.</summary>
    Off,

    /// <summary>One threshold per frequency bin from a noise profile (mean + n·std of its floored dB).</summary>
    Stationary,

    /// <summary>Each bin compared with its own slowly smoothed magnitude (no profile).</summary>
    NonStationary,

    /// <summary>
    /// A statistical speech estimator (<see cref="SpeechEnhancer"/>): the log-spectral amplitude gain with a
    /// decision-directed a-priori SNR, fed by a speech-presence-probability noise tracker. No profile, no
    /// mask smoothing; <see cref="SpectralGateOptions.Speech"/> holds its settings.
    /// </summary>
    Speech,
}
