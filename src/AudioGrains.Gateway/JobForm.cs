using System.Globalization;
using AudioGrains.Abstractions;

namespace AudioGrains.Gateway;

/// <summary>
/// The text fields of a job submission (the old service's string flags and the new options) turned into
/// <see cref="NormalizeOptions"/>. Every bad value is an <see cref="ErrorCodes.InvalidOptions"/> naming the field.
/// </summary>
public sealed class JobForm
{
    /// <summary>The old flags and the new fields; any other field is refused (a typo must not be silently ignored).</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "remove_noise", "convert_to_mono", "apply_highpass_filter", "set_sample_rate_16k", "isolate_vocals",
        "normalize_volume", "target_lufs", "true_peak", "output_format", "denoise", "callback_url",
    };

    /// <summary>The cutoff the old service's high-pass flag switches on, Hz.</summary>
    public const double HighPassHz = 80;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string? CallbackUrl => _values.GetValueOrDefault("callback_url") is { Length: > 0 } url ? url : null;

    public void Add(string name, string value)
    {
        if (!Fields.Contains(name)) throw Invalid($"unknown field \"{Printable(name)}\"; the fields are: file, {string.Join(", ", Fields.Order())}");
        if (!_values.TryAdd(name, value)) throw Invalid($"field \"{name}\" is given more than once");
    }

    /// <summary>The options the fields ask for; what they leave out keeps the service's defaults.</summary>
    public NormalizeOptions ToOptions()
    {
        var d = NormalizeOptions.Default;
        var denoise = Flag("remove_noise") == true ? NoiseReduction.Stationary : d.Denoise;
        if (_values.TryGetValue("denoise", out var mode) && mode.Length > 0)
        {
            denoise = mode.Trim().ToLowerInvariant() switch
            {
                "off" or "none" => NoiseReduction.Off,
                "stationary" => NoiseReduction.Stationary,
                "nonstationary" or "non-stationary" => NoiseReduction.NonStationary,
                "speech" => NoiseReduction.Speech,
                _ => throw Invalid($"denoise \"{Printable(mode)}\" is not one of off, stationary, nonstationary, speech"),
            };
        }
        var options = d with
        {
            Denoise = denoise,
            Mono = Flag("convert_to_mono") ?? d.Mono,
            HighPassHz = Flag("apply_highpass_filter") switch { true => HighPassHz, false => null, null => d.HighPassHz },
            SampleRate = Flag("set_sample_rate_16k") switch { true => 16000, false => null, null => d.SampleRate },
            IsolateVoice = Flag("isolate_vocals") ?? d.IsolateVoice,
            NormalizeVolume = Flag("normalize_volume") ?? d.NormalizeVolume,
            TargetLufs = Number("target_lufs") ?? d.TargetLufs,
            TruePeakCeilingDbtp = Number("true_peak") ?? d.TruePeakCeilingDbtp,
            OutputFormat = _values.GetValueOrDefault("output_format") is { Length: > 0 } f ? f.Trim().ToLowerInvariant() : d.OutputFormat,
        };
        return options.Validated();
    }

    /// <summary>The old service's flag words: true/1/yes/on, false/0/no/off or empty; null when the field is absent.</summary>
    public bool? Flag(string name)
    {
        if (!_values.TryGetValue(name, out var raw)) return null;
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" or "" => false,
            _ => throw Invalid($"{name} \"{Printable(raw)}\" is not a flag (true/1/yes/on or false/0/no/off)"),
        };
    }

    private double? Number(string name)
    {
        if (!_values.TryGetValue(name, out var raw) || raw.Length == 0) return null;
        return double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Invalid($"{name} \"{Printable(raw)}\" is not a number");
    }

    private static AudioGrainsException Invalid(string message) => new(ErrorCodes.InvalidOptions, message);

    /// <summary>A value as it may be echoed in an error: short, without control characters.</summary>
    public static string Printable(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).Take(64).ToArray());
        return value.Length > 64 ? clean + "…" : clean;
    }
}
