namespace AudioGrains.Media;

/// <summary>
/// What ffprobe found in an input. The audio fields describe its first audio stream, the one every decode uses.
/// <paramref name="DurationSeconds"/> is NaN when neither the container nor a packet scan could tell it.
/// </summary>
public sealed record MediaInfo(
    string FormatName,
    double DurationSeconds,
    int SampleRate,
    int Channels,
    string? ChannelLayout,
    string AudioCodec,
    bool HasVideo)
{
    public bool DurationKnown => double.IsFinite(DurationSeconds);

    /// <summary>The first audio stream at its own rate and channel count.</summary>
    public PcmFormat NativeFormat => new(SampleRate, Channels);

    /// <summary>The demuxer a decode is pinned to: the first name of <see cref="FormatName"/> ("mov" of "mov,mp4,m4a,...").</summary>
    public string Demuxer => AcceptedInputFormats.DemuxerOf(FormatName);
}
