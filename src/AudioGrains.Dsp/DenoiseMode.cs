namespace AudioGrains.Dsp;

/// <summary>Which spectral gate <see cref="SpectralGate"/> applies (noisereduce's two kinds, or none).</summary>
public enum DenoiseMode
{
    /// <summary>No gating; the band limit and centre extraction still apply when set.</summary>
    Off,

    /// <summary>One threshold per frequency bin from a noise profile (mean + n·std of its floored dB).</summary>
    Stationary,

    /// <summary>Each bin compared with its own slowly smoothed magnitude (no profile).</summary>
    NonStationary,
}
