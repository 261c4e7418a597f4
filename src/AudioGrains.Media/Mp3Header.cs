using System.Buffers.Binary;

namespace AudioGrains.Media;

/// <summary>
/// An MPEG audio layer III stream whose first frame is a LAME/Xing "Info" or "Xing" frame with a frame count, after
/// at most one ID3v2 tag. ffprobe states such a file's length as frames × samples per frame; without the count it
/// estimates from the bit rate, so those files go to ffprobe.
/// </summary>
internal static class Mp3Header
{
    private static readonly int[][] SampleRates = [[11025, 12000, 8000], [0, 0, 0], [22050, 24000, 16000], [44100, 48000, 32000]];

    public static bool MayBeMp3(ReadOnlySpan<byte> head) =>
        head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0);

    public static MediaInfo? TryRead(FileStream file, ReadOnlySpan<byte> head)
    {
        long frameStart = 0;
        if (head.StartsWith("ID3"u8))
        {
            if (head.Length < 10 || head[3] is < 2 or > 4) return null;
            var size = 0;
            for (var i = 6; i < 10; i++)
            {
                if (head[i] >= 0x80) return null; // sizes are "synchsafe": 7 bits per byte
                size = size << 7 | head[i];
            }
            var hasFooter = (head[5] & 0x10) != 0;
            frameStart = 10L + size + (hasFooter ? 10 : 0);
        }
        var frame = new byte[4 + 36 + 8];
        file.Position = frameStart;
        if (file.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false) < frame.Length) return null;
        return Describe(frame);
    }

    private static MediaInfo? Describe(ReadOnlySpan<byte> frame)
    {
        if (frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0) return null;
        var version = frame[1] >> 3 & 0x3;     // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        var layer = frame[1] >> 1 & 0x3;       // 1: layer III
        var hasCrc = (frame[1] & 0x1) == 0;
        var bitrateIndex = frame[2] >> 4;
        var rateIndex = frame[2] >> 2 & 0x3;
        var mono = (frame[3] >> 6) == 0x3;
        if (version == 1 || layer != 1 || hasCrc || bitrateIndex is 0 or 15 || rateIndex == 3) return null;

        var sampleRate = SampleRates[version][rateIndex];
        var mpeg1 = version == 3;
        // The tag follows the side information, whose size depends on the version and the channel mode.
        var tagOffset = 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
        var tag = frame[tagOffset..];
        if (!tag.StartsWith("Xing"u8) && !tag.StartsWith("Info"u8)) return null;
        var flags = BinaryPrimitives.ReadUInt32BigEndian(tag[4..]);
        if ((flags & 0x1) == 0) return null;
        var frames = BinaryPrimitives.ReadUInt32BigEndian(tag[8..]);
        if (frames == 0) return null;

        var samplesPerFrame = mpeg1 ? 1152 : 576;
        var channels = mono ? 1 : 2;
        return new MediaInfo("mp3", (double)frames * samplesPerFrame / sampleRate, sampleRate, channels,
            HeaderProbe.DefaultLayout(channels), "mp3", HasVideo: false);
    }
}
