using AudioGrains.Dsp;

namespace AudioGrains.Abstractions;

/// <summary>
/// What a user asks of one job. Defaults live here and nowhere else (the noise reduction's come from the DSP's
/// <see cref="SpectralGateOptions"/>); the CLI, the HTTP API and the chunks take them from <see cref="Default"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NormalizeOptions
{
    /// <summary>Every option at its default.</summary>
    public static NormalizeOptions Default { get; } = new();

    public const double MinChunkSeconds = 1;
    public const double MaxChunkSeconds = 3600;

    /// <summary>Integrated loudness of the output, LUFS.</summary>
    [Id(0)] public double TargetLufs { get; init; } = -23;

    /// <summary>True-peak ceiling of the output, dBTP; the gain is capped to stay under it.</summary>
    [Id(1)] public double TruePeakCeilingDbtp { get; init; } = -1;

    /// <summary>Output sample rate; null keeps the input's rate.</summary>
    [Id(2)] public int? SampleRate { get; init; } = 16000;

    /// <summary>Downmix to mono; false keeps the input's channels.</summary>
    [Id(3)] public bool Mono { get; init; } = true;

    /// <summary>High-pass cutoff in Hz; null is off.</summary>
    [Id(4)] public double? HighPassHz { get; init; }

    /// <summary>Length of one unit of distributed work, seconds of audio.</summary>
    [Id(5)] public double ChunkSeconds { get; init; } = 30;

    /// <summary>Output format name: wav, wav16, flac, opus, webm, mp3.</summary>
    [Id(6)] public string OutputFormat { get; init; } = "webm";

    /// <summary>Apply the loudness gain; off keeps the level and only measures.</summary>
    [Id(7)] public bool NormalizeVolume { get; init; } = true;

    /// <summary>Noise reduction: off, stationary or nonstationary (spectral gating), or speech (the statistical speech estimator).</summary>
    [Id(8)] public NoiseReduction Denoise { get; init; } = NoiseReduction.Off;

    /// <summary>How far gated noise is pulled down: 0 (nothing) to 1 (fully); 0.8 is −14 dB.</summary>
    [Id(9)] public double DenoiseStrength { get; init; } = SpectralGateOptions.Defaults.Strength;

    /// <summary>Where the stationary noise profile comes from: a time range of the input, in seconds (null: the whole input).</summary>
    [Id(10)] public double? NoiseClipStartSeconds { get; init; }

    [Id(11)] public double? NoiseClipEndSeconds { get; init; }

    /// <summary>Blob key of a separate noise recording for the stationary profile (null: none).</summary>
    [Id(12)] public string? NoiseFileKey { get; init; }

    /// <summary>Keep the speech band (about 80–7600 Hz) and, for stereo input downmixed to mono, the centre.</summary>
    [Id(13)] public bool IsolateVoice { get; init; }

    /// <summary>Stationary threshold: mean + this × std of the noise's dB per bin (noisereduce's n_std_thresh_stationary).</summary>
    [Id(14)] public double DenoiseThresholdStd { get; init; } = SpectralGateOptions.Defaults.ThresholdStd;

    /// <summary>Mask smoothing in frequency, Hz (noisereduce's freq_mask_smooth_hz); with a time smoothing under two hops, 0..62 Hz switches smoothing off.</summary>
    [Id(15)] public double DenoiseFreqSmoothHz { get; init; } = SpectralGateOptions.Defaults.FreqMaskSmoothHz;

    /// <summary>Mask smoothing in time, ms (noisereduce's time_mask_smooth_ms).</summary>
    [Id(16)] public double DenoiseTimeSmoothMs { get; init; } = SpectralGateOptions.Defaults.TimeMaskSmoothMs;

    public static readonly IReadOnlyList<string> OutputFormats = ["wav", "wav16", "flac", "opus", "webm", "mp3"];

    /// <summary>Throws <see cref="AudioGrainsException"/> (invalid-options) naming the first bad value.</summary>
    public NormalizeOptions Validated()
    {
        Require(double.IsFinite(TargetLufs) && TargetLufs is >= -70 and <= -5, $"target loudness {TargetLufs} LUFS is outside -70..-5");
        Require(double.IsFinite(TruePeakCeilingDbtp) && TruePeakCeilingDbtp is >= -20 and <= 0, $"true-peak ceiling {TruePeakCeilingDbtp} dBTP is outside -20..0");
        Require(SampleRate is null or (>= 8000 and <= 192000), $"sample rate {SampleRate} Hz is outside 8000..192000");
        Require(HighPassHz is null || (double.IsFinite(HighPassHz.Value) && HighPassHz > 0 && HighPassHz <= 1000), $"high-pass cutoff {HighPassHz} Hz must be above 0 and at most 1000 Hz (or off)");
        Require(double.IsFinite(ChunkSeconds) && ChunkSeconds is >= MinChunkSeconds and <= MaxChunkSeconds, $"chunk length {ChunkSeconds} s is outside {MinChunkSeconds}..{MaxChunkSeconds}");
        Require(OutputFormats.Contains(OutputFormat), $"output format \"{OutputFormat}\" is not one of {string.Join(", ", OutputFormats)}");
        Require(Enum.IsDefined(Denoise), $"noise reduction mode {Denoise} is unknown");
        Require(double.IsFinite(DenoiseStrength) && DenoiseStrength is >= 0 and <= 1, $"denoise strength {DenoiseStrength} is outside 0..1");
        Require(double.IsFinite(DenoiseThresholdStd) && DenoiseThresholdStd is >= 0 and <= 10, $"denoise threshold {DenoiseThresholdStd} std is outside 0..10");
        Require(double.IsFinite(DenoiseFreqSmoothHz) && DenoiseFreqSmoothHz is >= 0 and <= 4000, $"mask smoothing {DenoiseFreqSmoothHz} Hz is outside 0..4000");
        Require(double.IsFinite(DenoiseTimeSmoothMs) && DenoiseTimeSmoothMs is >= 0 and <= 1000, $"mask smoothing {DenoiseTimeSmoothMs} ms is outside 0..1000");
        Require((NoiseClipStartSeconds is null) == (NoiseClipEndSeconds is null), "a noise clip needs both a start and an end");
        Require(NoiseClipStartSeconds is null || (NoiseClipStartSeconds >= 0 && NoiseClipEndSeconds - NoiseClipStartSeconds >= 0.5),
            $"noise clip {NoiseClipStartSeconds}-{NoiseClipEndSeconds} s must start at 0 or later and last at least 0.5 s");
        Require(NoiseClipStartSeconds is null || NoiseFileKey is null, "name a noise clip or a noise file, not both");
        Require(Denoise == NoiseReduction.Stationary || (NoiseClipStartSeconds is null && NoiseFileKey is null),
            "a noise clip or noise file is only used by stationary noise reduction");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new AudioGrainsException(ErrorCodes.InvalidOptions, message);
    }
}
