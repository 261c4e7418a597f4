using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AudioGrains.Storage;
using AudioGrains.Media;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Streams the processed chunks, in order, through the one gain into the encoder (and the output's meter, when given).
/// Memory: one block, whatever the length of the job.
/// </summary>
public static class OutputAssembler
{
    public static async Task AssembleAsync(IBlobStore blobs, IReadOnlyList<string> chunkSampleKeys, double linearGain,
        IPcmOutput encoder, int channels, int blockFrames, CancellationToken ct, EncodedPcmMeter? meter = null)
    {
        var samples = new float[blockFrames * channels];
        var bytes = new byte[samples.Length * sizeof(float)];
        foreach (var key in chunkSampleKeys)
        {
            await using var input = await blobs.OpenReadAsync(key, ct: ct).ConfigureAwait(false);
            while (true)
            {
                var got = await input.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (got == 0) break;
                if (got % (sizeof(float) * channels) != 0) throw new InvalidDataException($"chunk samples \"{key}\" end mid-frame");
                var count = got / sizeof(float);
                bytes.AsSpan(0, got).CopyTo(MemoryMarshal.AsBytes(samples.AsSpan(0, count)));
                ApplyGain(samples.AsSpan(0, count), linearGain);
                meter?.Add(samples.AsSpan(0, count));
                await encoder.WriteAsync(samples.AsMemory(0, count), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>out = float32(x · gain), computed in double so the rounding is the same on every machine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyGain(Span<float> samples, double linearGain)
    {
        for (var i = 0; i < samples.Length; i++) samples[i] = (float)(samples[i] * linearGain);
    }
}
