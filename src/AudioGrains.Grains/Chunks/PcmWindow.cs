using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Grains.Chunks;

/// <summary>Reads frames of a float32 interleaved PCM stream, from where it stands, as doubles.</summary>
public static class PcmWindow
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Read(Stream pcm, long frames, int channels, CancellationToken ct)
    {
        var count = checked((int)(frames * channels));
        var values = new double[count];
        var block = new float[Math.Min(count, 1 << 14)];
        var done = 0;
        while (done < count)
        {
            ct.ThrowIfCancellationRequested();
            var n = Math.Min(block.Length, count - done);
            var bytes = MemoryMarshal.AsBytes(block.AsSpan(0, n));
            if (pcm.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                throw new InvalidDataException("working PCM ended before the chunk's window did");
            for (var i = 0; i < n; i++) values[done + i] = block[i];
            done += n;
        }
        return values;
    }
}
