using System.Buffers.Binary;

namespace AudioGrains.Media;

/// <summary>
/// The fmt and data chunks of a RIFF WAVE file with integer or float PCM. The length is the data chunk's size, as
/// ffprobe states it for PCM; a size that is unset, streamed (0 or 0xFFFFFFFF) or past the end of the file gives null.
/// </summary>
internal static class WavHeader
{
    /// <summary>More chunks than this before the data is not a plain WAV file.</summary>
    private const int MaxChunks = 64;

    /// <summary>IEC 61937 (S/PDIF) sync words: ffmpeg reads AC-3 or DTS hidden in 16-bit stereo PCM as that codec.</summary>
    private const int SpdifScanBytes = 64 * 1024;

    private static ReadOnlySpan<byte> SpdifSyncLittleEndian => [0x72, 0xF8, 0x1F, 0x4E];
    private static ReadOnlySpan<byte> SpdifSyncBigEndian => [0xF8, 0x72, 0x4E, 0x1F];

    /// <summary>The KSDATAFORMAT GUID after its first two bytes, which hold the real format tag.</summary>
    private static ReadOnlySpan<byte> SubFormatTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static bool IsWav(ReadOnlySpan<byte> head) => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8);

    public static MediaInfo? TryRead(FileStream file)
    {
        var chunk = new byte[8];
        byte[]? format = null;
        long position = 12;
        for (var i = 0; i < MaxChunks; i++)
        {
            file.Position = position;
            if (file.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8) return null;
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            var body = position + 8;
            if (chunk.AsSpan(0, 4).SequenceEqual("fmt "u8))
            {
                if (format is not null || size is < 16 or > 256) return null;
                format = new byte[size];
                if (file.ReadAtLeast(format, format.Length, throwOnEndOfStream: false) < format.Length) return null;
            }
            else if (chunk.AsSpan(0, 4).SequenceEqual("data"u8))
            {
                if (format is null || size is 0 or uint.MaxValue || body + size > file.Length) return null;
                return Describe(format, size, file, body);
            }
            position = body + size + (size & 1);
        }
        return null;
    }

    private static MediaInfo? Describe(byte[] format, uint dataSize, FileStream file, long dataStart)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(format);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(2));
        var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(format.AsSpan(4));
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(12));
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(14));
        if (channels is < 1 or > 2 || sampleRate is 0 or > int.MaxValue || bits % 8 != 0 || blockAlign != channels * bits / 8) return null;

        string? layout = null;
        if (tag == 0xFFFE)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real tag leads the sub-format GUID; the mask names the layout.
            if (format.Length < 40 || !format.AsSpan(26, 14).SequenceEqual(SubFormatTail)) return null;
            tag = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(24));
            var mask = BinaryPrimitives.ReadUInt32LittleEndian(format.AsSpan(20));
            layout = (mask, channels) switch { (0, _) => null, (0x4, 1) => "mono", (0x3, 2) => "stereo", _ => "?" };
            if (layout == "?") return null;
        }
        var codec = (tag, bits) switch
        {
            (1, 8) => "pcm_u8",
            (1, 16) => "pcm_s16le",
            (1, 24) => "pcm_s24le",
            (1, 32) => "pcm_s32le",
            (3, 32) => "pcm_f32le",
            (3, 64) => "pcm_f64le",
            _ => null,
        };
        if (codec is null) return null;
        if (codec == "pcm_s16le" && channels == 2 && MayHoldSpdif(file, dataStart, dataSize)) return null;

        var frames = dataSize / blockAlign;
        return new MediaInfo("wav", (double)frames / sampleRate, (int)sampleRate, channels, layout, codec, HasVideo: false);
    }

    private static bool MayHoldSpdif(FileStream file, long dataStart, uint dataSize)
    {
        var buffer = new byte[(int)Math.Min(dataSize, SpdifScanBytes)];
        file.Position = dataStart;
        var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var data = buffer.AsSpan(0, read);
        return data.IndexOf(SpdifSyncLittleEndian) >= 0 || data.IndexOf(SpdifSyncBigEndian) >= 0;
    }
}
