using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AudioGrains.Media;

/// <summary>
/// Finds out what an untrusted input is with ffprobe, under a file-only protocol whitelist and the
/// <see cref="AcceptedInputFormats"/> demuxer whitelist, and refuses it early when it cannot or must not be decoded.
/// </summary>
public sealed partial class MediaProbe
{
    /// <summary>A report larger than this is not from a plain audio or video file.</summary>
    private const int MaxReportBytes = 1024 * 1024;

    private readonly FfmpegOptions _options;

    public MediaProbe(FfmpegOptions options)
    {
        _options = options.Validated();
    }

    /// <summary>
    /// Probes <paramref name="path"/>; throws AudioGrainsException with the code that says why it is refused. Messages
    /// name the file <paramref name="displayName"/> when given (a silo probes a staged copy; the user knows their name).
    /// </summary>
    public async Task<MediaInfo> ProbeAsync(string path, MediaLimits limits, CancellationToken ct, string? displayName = null)
    {
        limits.Validated();
        var input = InputFile.Require(path, displayName);
        ct.ThrowIfCancellationRequested();
        if (HeaderProbe.TryRead(input.FullPath) is { } simple)
        {
            if (simple.Channels > limits.MaxChannels) throw MediaErrors.TooManyChannels(input.FileName, simple.Channels, limits.MaxChannels);
            if (simple.DurationSeconds > limits.MaxDurationSeconds) throw MediaErrors.TooLong(input.FileName, simple.DurationSeconds, limits.MaxDurationSeconds);
            return simple;
        }
        return await FfprobeAsync(input, limits, ct).ConfigureAwait(false);
    }

    /// <summary>What ffprobe says, for every input (the header reading above aside); tests compare the two.</summary>
    internal Task<MediaInfo> FfprobeAsync(string path, MediaLimits limits, CancellationToken ct) =>
        FfprobeAsync(InputFile.Require(path), limits.Validated(), ct);

    private async Task<MediaInfo> FfprobeAsync(InputFile input, MediaLimits limits, CancellationToken ct)
    {
        using var report = await ReadReportAsync(input, ct).ConfigureAwait(false);
        var root = report.RootElement;

        var formatName = root.TryGetProperty("format", out var format) ? Text(format, "format_name") : null;
        if (string.IsNullOrEmpty(formatName)) throw MediaErrors.InvalidMedia(input.FileName);
        // ffprobe enforced the whitelist already; this keeps a later -f honest should that ever change.
        if (!AcceptedInputFormats.Accepts(formatName)) throw MediaErrors.UnsupportedFormat(input.FileName, formatName);

        JsonElement? audio = null;
        var hasVideo = false;
        if (root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
        {
            foreach (var stream in streams.EnumerateArray())
            {
                var type = Text(stream, "codec_type");
                if (type == "audio") audio ??= stream;
                // Cover art in mp3/m4a is a one-picture "video" stream; it does not make a video.
                else if (type == "video" && !IsAttachedPicture(stream)) hasVideo = true;
            }
        }
        if (audio is not { } audioStream) throw MediaErrors.NoAudioStream(input.FileName);

        var sampleRate = Integer(audioStream, "sample_rate");
        var channels = Integer(audioStream, "channels");
        if (sampleRate <= 0 || channels <= 0) throw MediaErrors.InvalidMedia(input.FileName, "its audio stream has no sample rate or channel count");
        if (channels > limits.MaxChannels) throw MediaErrors.TooManyChannels(input.FileName, channels, limits.MaxChannels);

        // The audio stream's own length is what a decode produces; the container's may include a longer video.
        var duration = Seconds(audioStream, "duration") ?? Seconds(format, "duration")
            ?? await ScanDurationAsync(input, AcceptedInputFormats.DemuxerOf(formatName), limits, ct).ConfigureAwait(false);
        if (duration > limits.MaxDurationSeconds) throw MediaErrors.TooLong(input.FileName, duration, limits.MaxDurationSeconds);

        var layout = Text(audioStream, "channel_layout");
        return new MediaInfo(
            formatName,
            duration,
            sampleRate,
            channels,
            string.IsNullOrEmpty(layout) || layout == "unknown" ? null : layout,
            Text(audioStream, "codec_name") ?? "unknown",
            hasVideo);
    }

    private async Task<JsonDocument> ReadReportAsync(InputFile input, CancellationToken ct)
    {
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error",
            "-protocol_whitelist", "file",
            "-format_whitelist", AcceptedInputFormats.Whitelist,
            "-show_entries", "format=format_name,duration:stream=index,codec_type,codec_name,sample_rate,channels,channel_layout,duration:stream_disposition=attached_pic",
            "-of", "json",
            input.Url,
        ];
        // Not FFProbe.AnalyseAsync, though its custom arguments do reach ffprobe's whitelists (ffprobe reads every option
        // before it opens the input): 0.109 s against 0.098 s here (1 h m4a, median of 9), it holds the whole report in
        // memory (no 1 MB cap), reads durations to whole milliseconds, and runs through FFMpegCore's runner (see ExternalProcess).
        await using var process = ExternalProcess.Start(_options.FfprobePath, arguments, input.FileName,
            _options.MinimumTimeout, readsOutput: true, ct);

        using var report = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await ReadQuietlyAsync(process, buffer).ConfigureAwait(false)) > 0)
        {
            if (report.Length + read > MaxReportBytes)
            {
                process.ThrowIfStopped();
                throw MediaErrors.InvalidMedia(input.FileName, "ffprobe's description of it is unreasonably large");
            }
            report.Write(buffer, 0, read);
        }

        var exitCode = await process.WaitForExitAsync().ConfigureAwait(false);
        if (exitCode != 0) throw ProbeFailure(input, process.ErrorText);
        try
        {
            return JsonDocument.Parse(report.GetBuffer().AsMemory(0, (int)report.Length));
        }
        catch (JsonException)
        {
            throw MediaErrors.InvalidMedia(input.FileName, "ffprobe's description of it is unreadable");
        }
    }

    /// <summary>
    /// The audio's length from its packets, for containers that do not state it (streamed FLAC, MediaRecorder WebM).
    /// Demuxing only, no decoding (about 1 s per hour of Opus); stops as soon as the limit is passed.
    /// NaN when the packets carry no timestamps either.
    /// </summary>
    private async Task<double> ScanDurationAsync(InputFile input, string demuxer, MediaLimits limits, CancellationToken ct)
    {
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error",
            "-protocol_whitelist", "file",
            "-format_whitelist", AcceptedInputFormats.Whitelist,
            "-f", demuxer,
            "-select_streams", "a:0",
            "-show_entries", "packet=pts_time,duration_time",
            "-of", "csv=p=0",
            input.Url,
        ];
        // Not FFProbe.GetPacketsAsync, which parses every packet before it returns and so cannot stop at the limit: 6.1 s
        // against 0.58 s for a 1 h live WebM with a 10 min limit, 6.5 s against 2.5 s without one (medians of 5).
        await using var process = ExternalProcess.Start(_options.FfprobePath, arguments, input.FileName,
            _options.TimeoutFor(limits.MaxDurationSeconds), readsOutput: true, ct);

        var first = double.PositiveInfinity;
        var end = double.NegativeInfinity;
        using (var lines = new StreamReader(process.Output))
        {
            string? line;
            while ((line = await ReadLineQuietlyAsync(process, lines).ConfigureAwait(false)) is not null)
            {
                var fields = line.Split(',');
                if (!TryParseSeconds(fields[0], out var pts)) continue;
                var packetEnd = fields.Length > 1 && TryParseSeconds(fields[1], out var length) ? pts + length : pts;
                first = Math.Min(first, pts);
                end = Math.Max(end, packetEnd);
                if (end - first > limits.MaxDurationSeconds)
                {
                    process.ThrowIfStopped();
                    throw MediaErrors.TooLong(input.FileName, end - first, limits.MaxDurationSeconds);
                }
            }
        }

        var exitCode = await process.WaitForExitAsync().ConfigureAwait(false);
        if (exitCode != 0) throw ProbeFailure(input, process.ErrorText);
        return end > first ? end - first : double.NaN;
    }

    private static AudioGrains.Abstractions.AudioGrainsException ProbeFailure(InputFile input, string stderr)
    {
        var rejected = RejectedFormat().Match(stderr);
        if (rejected.Success) return MediaErrors.UnsupportedFormat(input.FileName, rejected.Groups["format"].Value);
        if (stderr.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
            || stderr.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return MediaErrors.RunFailed("probe", input.FileName, stderr, input.FullPath, blameInput: false);
        }
        return MediaErrors.InvalidMedia(input.FileName, MediaErrors.Excerpt(stderr, input.FullPath, input.FileName));
    }

    private static async Task<int> ReadQuietlyAsync(ExternalProcess process, byte[] buffer)
    {
        try
        {
            return await process.Output.ReadAsync(buffer, process.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (process.Stopping.IsCancellationRequested)
        {
            return 0; // WaitForExitAsync says why.
        }
    }

    private static async Task<string?> ReadLineQuietlyAsync(ExternalProcess process, StreamReader lines)
    {
        try
        {
            return await lines.ReadLineAsync(process.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (process.Stopping.IsCancellationRequested)
        {
            return null; // WaitForExitAsync says why.
        }
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition)
        && disposition.TryGetProperty("attached_pic", out var attached)
        && attached.ValueKind == JsonValueKind.Number && attached.GetInt32() == 1;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>ffprobe writes some numbers as strings ("48000"); N/A fields are left out or say "N/A".</summary>
    private static int Integer(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value)) return 0;
        if (value.ValueKind == JsonValueKind.Number) return value.TryGetInt32(out var number) ? number : 0;
        return value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
    }

    private static double? Seconds(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && TryParseSeconds(Text(element, name), out var seconds) && seconds > 0 ? seconds : null;

    private static bool TryParseSeconds(string? text, out double seconds) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && double.IsFinite(seconds);

    [GeneratedRegex(@"\[(?<format>[^\] @]+) @ ?0x[0-9a-fA-F]+\] Format not on whitelist")]
    private static partial Regex RejectedFormat();
}
