using AudioGrains.Abstractions;
using AudioGrains.Dsp;

namespace AudioGrains.Grains.Chunks;

/// <summary>From the job's spectral settings to the DSP's options.</summary>
public static class GateSettings
{
    public static SpectralGateOptions ToOptions(this GateSpec gate, int sampleRate)
    {
        var mode = ModeOf(gate);
        var (fftSize, hop) = SpectralGateOptions.FrameFor(mode, sampleRate);
        return new SpectralGateOptions
        {
            Mode = mode,
            FftSize = fftSize,
            Hop = hop,
            Strength = gate.Strength,
            ThresholdStd = gate.ThresholdStd,
            FreqMaskSmoothHz = gate.FreqSmoothHz,
            TimeMaskSmoothMs = gate.TimeSmoothMs,
            BandLowHz = gate.IsolateVoice ? SpectralGateOptions.VoiceBandLowHz : null,
            // Below Nyquist at low rates (the DSP refuses a band edge above it).
            BandHighHz = gate.IsolateVoice ? Math.Min(SpectralGateOptions.VoiceBandHighHz, 0.475 * sampleRate) : null,
            CentreExtraction = gate.CentreExtraction,
        }.Validated(sampleRate);
    }

    /// <summary>The STFT hop the job's chunks, pre-rolls and noise clip line up with.</summary>
    public static int StftHop(this GateSpec gate, int sampleRate) => SpectralGateOptions.FrameFor(ModeOf(gate), sampleRate).Hop;

    private static DenoiseMode ModeOf(GateSpec gate) => gate.Mode switch
    {
        NoiseReduction.Stationary => DenoiseMode.Stationary,
        NoiseReduction.NonStationary => DenoiseMode.NonStationary,
        NoiseReduction.Speech => DenoiseMode.Speech,
        _ => DenoiseMode.Off,
    };
}
