using System.Globalization;
using System.Text.RegularExpressions;
using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>
/// The failures this layer reports, each one plain sentence that names the input by file name only (never its path,
/// which is the blob store's business), with a short ffmpeg excerpt where it explains something.
/// </summary>
internal static partial class MediaErrors
{
    private const int ExcerptChars = 200;

    public static AudioGrainsException InputNotFound(string fileName) =>
        new(ErrorCodes.InputNotFound, $"input file \"{fileName}\" does not exist");

    public static AudioGrainsException EmptyInput(string fileName) =>
        new(ErrorCodes.EmptyInput, $"\"{fileName}\" is empty");

    public static AudioGrainsException NoAudioStream(string fileName) =>
        new(ErrorCodes.NoAudioStream, $"no audio stream in \"{fileName}\"");

    public static AudioGrainsException UnsupportedFormat(string fileName, string format) =>
        new(ErrorCodes.UnsupportedFormat, $"\"{fileName}\" is a {format} file, which is not accepted");

    public static AudioGrainsException TooLong(string fileName, double seconds, double maxSeconds) =>
        new(ErrorCodes.TooLong, $"\"{fileName}\" lasts {Describe(seconds)}, longer than the {Describe(maxSeconds)} allowed");

    public static AudioGrainsException TooManyChannels(string fileName, int channels, int maxChannels) =>
        new(ErrorCodes.TooManyChannels, $"\"{fileName}\" has {channels} audio channels, more than the {maxChannels} allowed");

    public static AudioGrainsException InvalidMedia(string fileName, string? detail = null) =>
        new(ErrorCodes.InvalidMedia, $"\"{fileName}\" is not a readable audio or video file{Detail(detail)}");

    public static AudioGrainsException NothingDecoded(string fileName) =>
        new(ErrorCodes.InvalidMedia, $"no audio could be decoded from \"{fileName}\"");

    /// <summary>
    /// A run that exited non-zero. Input problems during a decode are the input's fault (invalid-media); a full disk
    /// or an unreadable file is ours and may pass (insufficient-disk, processing-failed: both transient).
    /// </summary>
    public static AudioGrainsException RunFailed(string verb, string fileName, string stderr, string fullPath, bool blameInput)
    {
        var detail = Excerpt(stderr, fullPath, fileName);
        if (stderr.Contains("No space left on device", StringComparison.OrdinalIgnoreCase))
            return new(ErrorCodes.InsufficientDisk, $"no disk space left while trying to {verb} \"{fileName}\"");
        if (!blameInput || stderr.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
            return new(ErrorCodes.ProcessingFailed, $"could not {verb} \"{fileName}\"{Detail(detail)}");
        return new(ErrorCodes.InvalidMedia, $"could not {verb} \"{fileName}\"{Detail(detail)}");
    }

    /// <summary>
    /// The last two meaningful stderr lines (the cause, then ffmpeg's summary), without its "[demuxer @ 0x...]" and
    /// "file: " prefixes and with any path reduced to the file name.
    /// </summary>
    public static string? Excerpt(string stderr, string fullPath, string fileName)
    {
        var lines = stderr
            .Replace("file:" + fullPath, fileName, StringComparison.Ordinal)
            .Replace(fullPath, fileName, StringComparison.Ordinal)
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => LogPrefix().Replace(line, ""))
            .Select(line => line.StartsWith(fileName + ": ", StringComparison.Ordinal) ? line[(fileName.Length + 2)..] : line)
            .Where(line => line.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .TakeLast(2)
            .ToList();
        if (lines.Count == 0) return null;
        var excerpt = string.Join("; ", lines);
        return excerpt.Length <= ExcerptChars ? excerpt : excerpt[..ExcerptChars] + "...";
    }

    /// <summary>"3.5 s" under a minute, "1:02:03" above.</summary>
    public static string Describe(double seconds) => seconds < 60
        ? seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
        : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 86400 ? @"d\.hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);

    private static string Detail(string? detail) => string.IsNullOrEmpty(detail) ? "" : $" ({detail})";

    [GeneratedRegex(@"^(\[[^\]]*@ ?0x[0-9a-fA-F]+\] ?)+")]
    private static partial Regex LogPrefix();
}
