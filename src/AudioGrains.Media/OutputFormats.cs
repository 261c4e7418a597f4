using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>Names, file extensions, content types and channel capacities of the <see cref="OutputFormat"/>s.</summary>
public static class OutputFormats
{
    /// <summary>The format a path's extension asks for: .wav (float), .flac, .opus/.ogg, .webm, .mp3.</summary>
    public static OutputFormat FromExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".wav" => OutputFormat.Wav,
            ".flac" => OutputFormat.Flac,
            ".opus" or ".ogg" => OutputFormat.Opus,
            ".webm" => OutputFormat.WebM,
            ".mp3" => OutputFormat.Mp3,
            var other => throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                $"\"{Path.GetFileName(path)}\" does not end in an output extension ({(other.Length == 0 ? "none" : other)} is not one of .wav, .flac, .opus, .ogg, .webm, .mp3)"),
        };
    }

    /// <summary>The format of a name as the options spell it: wav, wav16, flac, opus, webm, mp3 (any case).</summary>
    public static OutputFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "wav" => OutputFormat.Wav,
            "wav16" => OutputFormat.WavS16,
            "flac" => OutputFormat.Flac,
            "opus" => OutputFormat.Opus,
            "webm" => OutputFormat.WebM,
            "mp3" => OutputFormat.Mp3,
            _ => throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                $"output format \"{name}\" is not one of wav, wav16, flac, opus, webm, mp3"),
        };
    }

    /// <summary>The name <see cref="Parse"/> takes.</summary>
    public static string Name(OutputFormat format) => format switch
    {
        OutputFormat.Wav => "wav",
        OutputFormat.WavS16 => "wav16",
        OutputFormat.Flac => "flac",
        OutputFormat.Opus => "opus",
        OutputFormat.WebM => "webm",
        OutputFormat.Mp3 => "mp3",
        _ => throw Unknown(format),
    };

    /// <summary>The file extension, with its dot (".wav").</summary>
    public static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.Wav or OutputFormat.WavS16 => ".wav",
        OutputFormat.Flac => ".flac",
        OutputFormat.Opus => ".opus",
        OutputFormat.WebM => ".webm",
        OutputFormat.Mp3 => ".mp3",
        _ => throw Unknown(format),
    };

    public static string ContentType(OutputFormat format) => format switch
    {
        OutputFormat.Wav or OutputFormat.WavS16 => "audio/wav",
        OutputFormat.Flac => "audio/flac",
        OutputFormat.Opus => "audio/ogg",
        OutputFormat.WebM => "audio/webm",
        OutputFormat.Mp3 => "audio/mpeg",
        _ => throw Unknown(format),
    };

    /// <summary>
    /// The most input channels the format takes. MP3 itself holds two: 3 to 8 channels are downmixed to stereo with
    /// ffmpeg's standard matrix. Check this before a job runs, not at its end.
    /// </summary>
    public static int MaxChannels(OutputFormat format) => format switch
    {
        OutputFormat.Wav or OutputFormat.WavS16 => 255,
        OutputFormat.Flac or OutputFormat.Opus or OutputFormat.WebM or OutputFormat.Mp3 => 8,
        _ => throw Unknown(format),
    };

    private static AudioGrainsException Unknown(OutputFormat format) =>
        new(ErrorCodes.InvalidOptions, $"output format {(int)format} is unknown");
}
