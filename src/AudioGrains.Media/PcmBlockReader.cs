using System.Runtime.InteropServices;

namespace AudioGrains.Media;

/// <summary>
/// Reads f32le PCM from a pipe and hands it on in blocks of whole frames, through one fixed buffer, so memory stays
/// flat however long the stream is.
/// </summary>
internal static class PcmBlockReader
{
    private const int BufferBytes = 64 * 1024;

    /// <summary>Delivers every whole frame of <paramref name="stream"/> to <paramref name="sink"/>; returns the frames delivered.</summary>
    /// <param name="stopping">When it fires, delivery stops at once (the child is being killed).</param>
    /// <param name="leftoverBytes">Bytes of an incomplete last frame (0 for a stream that ended cleanly).</param>
    public static async Task<(long Frames, int LeftoverBytes)> PumpAsync(Stream stream, int channels,
        Action<ReadOnlySpan<float>> sink, CancellationToken stopping)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("f32le PCM is read in place, which needs a little-endian machine");
        var bytesPerFrame = channels * sizeof(float);
        var buffer = new byte[Math.Max(1, BufferBytes / bytesPerFrame) * bytesPerFrame];
        var filled = 0;
        long frames = 0;
        while (!stopping.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer.AsMemory(filled), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            if (read == 0) break;
            filled += read;
            var whole = filled - filled % bytesPerFrame;
            if (whole == 0) continue;
            Deliver(buffer.AsSpan(0, whole), sink);
            frames += whole / bytesPerFrame;
            buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
            filled -= whole;
        }
        return (frames, filled);
    }

    private static void Deliver(ReadOnlySpan<byte> bytes, Action<ReadOnlySpan<float>> sink) =>
        sink(MemoryMarshal.Cast<byte, float>(bytes));
}
