using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AudioGrains.Grains.Chunks;

/// <summary>Reads frames [from, to) of a float32 interleaved PCM blob as doubles.</summary>
public static class PcmWindow
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Read(SafeFileHandle pcm, long from, long to, int channels, CancellationToken ct)
    {
        var count = checked((int)((to - from) * channels));
        var values = new double[count];
        var block = new float[Math.Min(count, 1 << 14)];
        var done = 0;
        while (done < count)
        {
            ct.ThrowIfCancellationRequested();
            var n = Math.Min(block.Length, count - done);
            var bytes = MemoryMarshal.AsBytes(block.AsSpan(0, n));
            var offset = (from * channels + done) * (long)sizeof(float);
            var read = 0;
            while (read < bytes.Length)
            {
                var got = RandomAccess.Read(pcm, bytes[read..], offset + read);
                if (got == 0) throw new InvalidDataException("working PCM ended before the chunk's window did");
                read += got;
            }
            for (var i = 0; i < n; i++) values[done + i] = block[i];
            done += n;
        }
        return values;
    }
}
