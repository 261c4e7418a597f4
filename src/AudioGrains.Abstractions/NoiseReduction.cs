namespace AudioGrains.Abstractions;

/// <summary>Noise reduction: spectral gating (the semantics of noisereduce 3.x) or the statistical speech estimator.</summary>
public enum NoiseReduction
{
    Off = 0,

    /// <summary>One noise profile for the whole job (mean and deviation per frequency bin), merged exactly from every chunk.</summary>
    Stationary = 1,

    /// <summary>A threshold per bin that follows the signal over time (a 2 s time constant).</summary>
    NonStationary = 2,

    /// <summary>
    /// A statistical speech estimator (log-spectral amplitude gain, decision-directed SNR, speech-presence noise
    /// tracking) that follows changing noise and keeps the speech's level; the gate's strength, threshold and
    /// smoothing do not apply to it.
    /// </summary>
    Speech = 3,
}
