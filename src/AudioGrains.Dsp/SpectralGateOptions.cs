using System.Numerics;

namespace AudioGrains.Dsp;

/// <summary>
/// Settings of <see cref="SpectralGate"/>. The defaults are those the Python service passed to
/// noisereduce's reduce_noise (stationary, prop_decrease 0.8, 1.5 std, 500 Hz / 50 ms mask
/// smoothing, n_fft 1024, hop 256) and noisereduce's own for the non-stationary gate.
/// </summary>
public sealed record SpectralGateOptions
{
    /// <summary>Every setting at its default; the job options take their noise-reduction defaults from here.</summary>
    public static SpectralGateOptions Defaults { get; } = new();

    /// <summary>Voice band of the speech band-pass at 16 kHz (DSP.md §5).</summary>
    public const double VoiceBandLowHz = 80;

    public const double VoiceBandHighHz = 7600;

    public DenoiseMode Mode { get; init; } = DenoiseMode.Stationary;

    /// <summary>noisereduce's prop_decrease: 1 removes gated bins, 0 leaves the signal as it is.</summary>
    public double Strength { get; init; } = 0.8;

    /// <summary>noisereduce's n_std_thresh_stationary: threshold = mean + this × std of the noise's dB.</summary>
    public double ThresholdStd { get; init; } = 1.5;

    public double FreqMaskSmoothHz { get; init; } = 500;

    public double TimeMaskSmoothMs { get; init; } = 50;

    public int FftSize { get; init; } = 1024;

    public int Hop { get; init; } = 256;

    /// <summary>
    /// The STFT frame (size, hop) a mode runs with at <paramref name="sampleRate"/>. The gates keep noisereduce's 1024 / 256
    /// at any rate (their settings are in Hz and ms). The speech estimator keeps its frame's duration, 64 ms every 16 ms at
    /// 16 kHz, scaled by the power of two that keeps it at least that long (64–93 ms at the common rates): tuned in time
    /// and by the cepstrum's reach for the pitch, it lost up to 2 dB of SI-SDR in 21 ms frames at 48 kHz
    /// (docs/benchmarks.md, issue 13).
    /// </summary>
    public static (int FftSize, int Hop) FrameFor(DenoiseMode mode, int sampleRate)
    {
        if (mode != DenoiseMode.Speech || sampleRate < 1) return (Defaults.FftSize, Defaults.Hop);
        var scale = Math.Pow(2, Math.Clamp(Math.Ceiling(Math.Log2(sampleRate / 16000.0) - 1e-9), -2, 3));
        var size = (int)(Defaults.FftSize * scale);
        return (size, size * Defaults.Hop / Defaults.FftSize);
    }

    /// <summary>Non-stationary: time constant of the magnitude smoother (noisereduce's time_constant_s).</summary>
    public double TimeConstantSeconds { get; init; } = 2.0;

    /// <summary>Non-stationary: how far above its smoothed magnitude a bin must be to pass (thresh_n_mult_nonstationary).</summary>
    public double NonStationaryThresholdMultiplier { get; init; } = 2;

    /// <summary>Non-stationary: slope of the sigmoid (sigmoid_slope_nonstationary).</summary>
    public double NonStationarySigmoidSlope { get; init; } = 10;

    /// <summary>Speech mode: the estimator's settings (<see cref="SpeechEnhancerOptions"/>). The gate's Strength, thresholds and mask smoothing do not apply to it.</summary>
    public SpeechEnhancerOptions Speech { get; init; } = SpeechEnhancerOptions.Defaults;

    /// <summary>Lower edge of the voice band in Hz; null is no lower limit.</summary>
    public double? BandLowHz { get; init; }

    /// <summary>Upper edge of the voice band in Hz; null is no upper limit.</summary>
    public double? BandHighHz { get; init; }

    /// <summary>Stereo in, mono centre out (a per-bin centre estimate); needs exactly 2 input channels.</summary>
    public bool CentreExtraction { get; init; }

    /// <summary>True when a band limit is set.</summary>
    public bool HasBand => BandLowHz is not null || BandHighHz is not null;

    /// <summary>This instance when every setting is usable at <paramref name="sampleRate"/>; otherwise an <see cref="ArgumentException"/> naming the bad value.</summary>
    public SpectralGateOptions Validated(int sampleRate)
    {
        if (sampleRate < 1) throw new ArgumentException($"Sample rate {sampleRate} must be positive.", nameof(sampleRate));
        if (!Enum.IsDefined(Mode)) throw Bad($"Mode {Mode} is not a denoise mode.");
        if (!(Strength is >= 0 and <= 1)) throw Bad($"Strength {Strength} must be in [0, 1].");
        if (!double.IsFinite(ThresholdStd)) throw Bad($"ThresholdStd {ThresholdStd} must be finite.");
        if (!(double.IsFinite(FreqMaskSmoothHz) && FreqMaskSmoothHz >= 0)) throw Bad($"FreqMaskSmoothHz {FreqMaskSmoothHz} must be finite and >= 0.");
        if (!(double.IsFinite(TimeMaskSmoothMs) && TimeMaskSmoothMs >= 0)) throw Bad($"TimeMaskSmoothMs {TimeMaskSmoothMs} must be finite and >= 0.");
        if (FftSize is < 256 or > 8192 || !BitOperations.IsPow2(FftSize)) throw Bad($"FftSize {FftSize} must be a power of two from 256 to 8192.");
        if (Hop < 1 || FftSize % Hop != 0 || Hop > FftSize / 2) throw Bad($"Hop {Hop} must divide FftSize {FftSize} and be at most FftSize/2 ({FftSize / 2}).");
        if (!(double.IsFinite(TimeConstantSeconds) && TimeConstantSeconds > 0)) throw Bad($"TimeConstantSeconds {TimeConstantSeconds} must be finite and > 0.");
        if (!double.IsFinite(NonStationaryThresholdMultiplier)) throw Bad($"NonStationaryThresholdMultiplier {NonStationaryThresholdMultiplier} must be finite.");
        if (!(double.IsFinite(NonStationarySigmoidSlope) && NonStationarySigmoidSlope > 0)) throw Bad($"NonStationarySigmoidSlope {NonStationarySigmoidSlope} must be finite and > 0.");
        if (Speech is null) throw Bad("Speech must be set (SpeechEnhancerOptions.Defaults for the defaults).");
        Speech.Validated();
        var nyquist = sampleRate / 2.0;
        if (BandLowHz is { } low && !(double.IsFinite(low) && low > 0 && low < nyquist))
            throw Bad($"BandLowHz {low} must be in (0, {nyquist}) Hz.");
        if (BandHighHz is { } high && !(double.IsFinite(high) && high > 0 && high <= nyquist))
            throw Bad($"BandHighHz {high} must be in (0, {nyquist}] Hz.");
        if (BandLowHz is { } l && BandHighHz is { } h && !(l < h))
            throw Bad($"BandLowHz {l} must be below BandHighHz {h}.");
        return this;
    }

    private static ArgumentException Bad(string message) => new($"Invalid spectral gate options: {message}");
}
