using AudioGrains.Abstractions;
using AudioGrains.Dsp;

namespace AudioGrains.Grains.Chunks;

/// <summary>From the job's spectral settings to the DSP's options, with the Python service's defaults.</summary>
public static class GateSettings
{
    /// <summary>The speech band kept by voice isolation: what speech recognisers use (a telephone band would lose too much).</summary>
    public const double VoiceBandLowHz = 80;
    public const double VoiceBandHighHz = 7600;

    public static SpectralGateOptions ToOptions(this GateSpec gate, int sampleRate) => new SpectralGateOptions
    {
        Mode = gate.Mode switch
        {
            NoiseReduction.Stationary => DenoiseMode.Stationary,
            NoiseReduction.NonStationary => DenoiseMode.NonStationary,
            _ => DenoiseMode.Off,
        },
        Strength = gate.Strength,
        BandLowHz = gate.IsolateVoice ? VoiceBandLowHz : null,
        BandHighHz = gate.IsolateVoice ? Math.Min(VoiceBandHighHz, 0.475 * sampleRate) : null,
        CentreExtraction = gate.CentreExtraction,
    }.Validated(sampleRate);
}
