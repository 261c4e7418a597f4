namespace AudioGrains.Abstractions;

/// <summary>Spectral-gating noise reduction (the semantics of noisereduce 3.x).</summary>
public enum NoiseReduction
{
    Off = 0,

    /// <summary>One noise profile for the whole job (mean and deviation per frequency bin), merged exactly from every chunk.</summary>
    Stationary = 1,

    /// <summary>A threshold per bin that follows the signal over time (a 2 s time constant).</summary>
    NonStationary = 2,
}
