namespace AudioGrains.Media;

/// <summary>
/// The demuxers an untrusted upload may be opened with (ffmpeg's <c>-format_whitelist</c>): plain audio and video
/// containers, none of which opens other files or URLs. Playlists and indirections (hls, dash, concat/ffconcat,
/// image2, lavfi, sdp/rtp/rtsp, tee, data, ...) are left out, so a playlist or list inside an upload is refused
/// before it is read. mov's external references stay off (its enable_drefs option defaults to off).
/// </summary>
public static class AcceptedInputFormats
{
    public static IReadOnlyList<string> Demuxers { get; } =
    [
        "wav", "w64", "mp3", "flac", "ogg", "mov", "matroska", "aac", "aiff", "caf", "au", "amr",
        "avi", "mpegts", "mpeg", "flv", "asf", "ac3", "eac3", "dts", "dtshd", "wv", "ape", "tta",
    ];

    /// <summary>The value of <c>-format_whitelist</c>.</summary>
    public static string Whitelist { get; } = string.Join(',', Demuxers);

    /// <summary>True when one of the names of an ffprobe format_name ("matroska,webm") is accepted, as ffmpeg matches it.</summary>
    public static bool Accepts(string formatName) =>
        formatName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(name => Demuxers.Contains(name));

    /// <summary>The first name of a format_name, which <c>-f</c> takes.</summary>
    public static string DemuxerOf(string formatName)
    {
        var comma = formatName.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? formatName : formatName[..comma]).Trim();
    }
}
