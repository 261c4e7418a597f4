using System.Buffers.Binary;

namespace AudioGrains.Media;

/// <summary>The STREAMINFO block of a native FLAC file: rate, channels and the exact sample count.</summary>
internal static class FlacHeader
{
    public static bool IsFlac(ReadOnlySpan<byte> head) => head.StartsWith("fLaC"u8);

    /// <summary>Null when STREAMINFO is not the first block as the format requires, or the length is not stated.</summary>
    public static MediaInfo? TryRead(ReadOnlySpan<byte> head)
    {
        // "fLaC", then a block header (last flag + type 7 bits, 24-bit length), STREAMINFO is type 0, 34 bytes.
        if (head.Length < 8 + 34 || (head[4] & 0x7F) != 0 || (head[5] << 16 | head[6] << 8 | head[7]) != 34) return null;
        var info = head.Slice(8, 34);
        // Bytes 10..17: sample rate (20 bits), channels - 1 (3), bits per sample - 1 (5), total samples (36).
        var packed = BinaryPrimitives.ReadUInt64BigEndian(info[10..]);
        var sampleRate = (int)(packed >> 44);
        var channels = (int)(packed >> 41 & 0x7) + 1;
        var totalSamples = (long)(packed & 0xF_FFFF_FFFF);
        if (sampleRate == 0 || totalSamples == 0 || channels > 2) return null;
        return new MediaInfo("flac", (double)totalSamples / sampleRate, sampleRate, channels,
            HeaderProbe.DefaultLayout(channels), "flac", HasVideo: false);
    }
}
