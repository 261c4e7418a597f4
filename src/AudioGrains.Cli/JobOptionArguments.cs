using System.CommandLine;
using System.Globalization;
using AudioGrains.Abstractions;
using AudioGrains.Media;

namespace AudioGrains.Cli;

/// <summary>
/// The flags that say what a job does (loudness, rate, channels, filters, noise reduction, format), shared by
/// `normalize` and `submit`. Their defaults are <see cref="NormalizeOptions.Default"/>'s.
/// </summary>
public sealed class JobOptionArguments
{
    private static NormalizeOptions Defaults => NormalizeOptions.Default;

    private readonly Option<double> _target = new("--target-lufs") { Description = "Integrated loudness of the output", DefaultValueFactory = _ => Defaults.TargetLufs };
    private readonly Option<double> _truePeak = new("--true-peak") { Description = "True-peak ceiling, dBTP", DefaultValueFactory = _ => Defaults.TruePeakCeilingDbtp };
    private readonly Option<string> _sampleRate = new("--sample-rate") { Description = "Output rate in Hz, or keep", DefaultValueFactory = _ => Defaults.SampleRate?.ToString(CultureInfo.InvariantCulture) ?? "keep" };
    private readonly Option<string> _channels = new("--channels") { Description = "mono or keep", DefaultValueFactory = _ => Defaults.Mono ? "mono" : "keep" };
    private readonly Option<string> _highPass = new("--highpass") { Description = "High-pass cutoff in Hz, or off", DefaultValueFactory = _ => Defaults.HighPassHz?.ToString(CultureInfo.InvariantCulture) ?? "off" };
    private readonly Option<double> _chunkSeconds = new("--chunk-seconds") { Description = "Seconds of audio per unit of parallel work", DefaultValueFactory = _ => Defaults.ChunkSeconds };
    private readonly Option<string?> _format = new("--format") { Description = "wav|wav16|flac|opus|webm|mp3 (default: from the output's extension)" };
    private readonly Option<string> _denoise = new("--denoise") { Description = "Noise reduction: off, stationary, nonstationary (spectral gates) or speech (statistical speech estimator)", DefaultValueFactory = _ => DenoiseName(Defaults.Denoise) };
    private readonly Option<double> _denoiseStrength = new("--denoise-strength") { Description = "Gates only: 0..1; 0.8 pulls noise down by 14 dB", DefaultValueFactory = _ => Defaults.DenoiseStrength };
    private readonly Option<double> _denoiseThreshold = new("--denoise-threshold-std") { Description = "Stationary threshold: noise mean + this many std (dB per bin)", DefaultValueFactory = _ => Defaults.DenoiseThresholdStd };
    private readonly Option<double> _denoiseFreqSmooth = new("--denoise-freq-smooth-hz") { Description = "Mask smoothing across frequency, Hz", DefaultValueFactory = _ => Defaults.DenoiseFreqSmoothHz };
    private readonly Option<double> _denoiseTimeSmooth = new("--denoise-time-smooth-ms") { Description = "Mask smoothing across time, ms (with the Hz under 2 bins and this under 2 hops: no smoothing)", DefaultValueFactory = _ => Defaults.DenoiseTimeSmoothMs };
    private readonly Option<string?> _noiseClip = new("--noise-clip") { Description = "START-END seconds of the input that hold only noise (stationary profile)" };
    private readonly Option<string?> _noiseFile = new("--noise-file") { Description = "A separate recording of the noise (at most 60 s) for the stationary profile" };
    private readonly Option<string> _normalizeVolume = new("--normalize-volume") { Description = "on, or off to keep the level (measure only)", DefaultValueFactory = _ => Defaults.NormalizeVolume ? "on" : "off" };
    private readonly Option<bool> _isolateVoice = new("--isolate-voice") { Description = "Keep the speech band (80-7600 Hz) and, from stereo, the centre" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
                 {
                     _target, _truePeak, _sampleRate, _channels, _highPass, _chunkSeconds, _format, _denoise, _denoiseStrength, _denoiseThreshold,
                     _denoiseFreqSmooth, _denoiseTimeSmooth, _noiseClip, _noiseFile, _isolateVoice, _normalizeVolume,
                 })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The job's options and the noise recording's path, if one is named. The format follows --format, else the output's extension, else the default.</summary>
    public (NormalizeOptions Options, string? NoisePath) Parse(ParseResult parse, string? outputPath)
    {
        var format = parse.GetValue(_format) is { } f ? OutputFormats.Parse(f)
            : outputPath is not null ? OutputFormats.FromExtension(outputPath)
            : OutputFormats.Parse(Defaults.OutputFormat);
        var options = new NormalizeOptions
        {
            TargetLufs = parse.GetValue(_target),
            TruePeakCeilingDbtp = parse.GetValue(_truePeak),
            SampleRate = ParseKeepable(parse.GetValue(_sampleRate)!, "--sample-rate"),
            Mono = parse.GetValue(_channels) switch
            {
                "mono" => true,
                "keep" => false,
                var other => throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--channels must be mono or keep, not \"{other}\""),
            },
            HighPassHz = ParseOff(parse.GetValue(_highPass)!, "--highpass"),
            ChunkSeconds = parse.GetValue(_chunkSeconds),
            OutputFormat = OutputFormats.Name(format),
            Denoise = ParseDenoise(parse.GetValue(_denoise)!),
            DenoiseStrength = parse.GetValue(_denoiseStrength),
            DenoiseThresholdStd = parse.GetValue(_denoiseThreshold),
            DenoiseFreqSmoothHz = parse.GetValue(_denoiseFreqSmooth),
            DenoiseTimeSmoothMs = parse.GetValue(_denoiseTimeSmooth),
            IsolateVoice = parse.GetValue(_isolateVoice),
            NormalizeVolume = parse.GetValue(_normalizeVolume) switch
            {
                "on" => true,
                "off" => false,
                var other => throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--normalize-volume must be on or off, not \"{other}\""),
            },
        };
        if (parse.GetValue(_noiseClip) is { } clip)
        {
            var (start, end) = ParseRange(clip, "--noise-clip");
            options = options with { NoiseClipStartSeconds = start, NoiseClipEndSeconds = end };
        }
        return (options, parse.GetValue(_noiseFile) is { } nf ? InputFile.Resolve(nf) : null);
    }

    private static int? ParseKeepable(string value, string name)
    {
        if (value == "keep") return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return number;
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be a number or keep, not \"{value}\"");
    }

    private static NoiseReduction ParseDenoise(string value)
    {
        foreach (var mode in Enum.GetValues<NoiseReduction>())
            if (DenoiseName(mode) == value) return mode;
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--denoise must be off, stationary, nonstationary or speech, not \"{value}\"");
    }

    private static string DenoiseName(NoiseReduction mode) => mode.ToString().ToLowerInvariant();

    private static (double Start, double End) ParseRange(string value, string name)
    {
        var parts = value.Split('-');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
            return (start, end);
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be START-END in seconds (e.g. 0-2.5), not \"{value}\"");
    }

    private static double? ParseOff(string value, string name)
    {
        if (value == "off") return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var hz)) return hz;
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be a frequency in Hz or off, not \"{value}\"");
    }
}
