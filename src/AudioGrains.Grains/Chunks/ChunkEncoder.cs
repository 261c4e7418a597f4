using System.Buffers;
using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Media;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// The encode pass of one chunk: its processed samples, with the pre-roll and post-roll read from its neighbours'
/// processed samples, through the job's gain into an Opus segment (<see cref="Media.Ogg.OpusSegments"/> joins them).
/// Streams in fixed blocks.
/// </summary>
public static class ChunkEncoder
{
    public static async Task EncodeAsync(ChunkWork work, IBlobStore blobs, PcmEncoder encoder, int blockFrames, CancellationToken ct)
    {
        if (work.PlanChunkFrames < 1) throw new ArgumentException("the encode pass needs the plan's chunk length", nameof(work));
        var channels = work.Channels;
        var first = work.StartFrame - work.EncodePreRollFrames;
        var end = Math.Min(work.TotalFrames, work.StartFrame + work.Frames + work.EncodePostRollFrames);
        var samples = ArrayPool<float>.Shared.Rent(blockFrames * channels);
        try
        {
            await using var session = encoder.Start(blobs.PathForWriting(JobBlobKeys.ChunkEncoded(work.OutputKey)), OutputFormat.Opus,
                new PcmFormat(work.SampleRate, channels), (double)(end - first) / work.SampleRate, ct);
            for (var frame = first; frame < end;)
            {
                // One neighbour's processed samples at a time.
                var chunk = (int)(frame / work.PlanChunkFrames);
                var chunkStart = (long)chunk * work.PlanChunkFrames;
                var chunkEnd = Math.Min(end, chunkStart + work.PlanChunkFrames);
                var key = JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(work.JobId, chunk));
                using var handle = File.OpenHandle(blobs.PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read);
                for (; frame < chunkEnd;)
                {
                    ct.ThrowIfCancellationRequested();
                    var n = (int)Math.Min(blockFrames, chunkEnd - frame);
                    var block = samples.AsSpan(0, n * channels);
                    ReadExactly(handle, key, (frame - chunkStart) * channels * sizeof(float), MemoryMarshal.AsBytes(block));
                    OutputAssembler.ApplyGain(block, work.OutputGain);
                    await session.WriteAsync(samples.AsMemory(0, n * channels), ct).ConfigureAwait(false);
                    frame += n;
                }
            }
            await session.CompleteAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
        }
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string key, long offset, Span<byte> target)
    {
        var read = 0;
        while (read < target.Length)
        {
            var got = RandomAccess.Read(handle, target[read..], offset + read);
            if (got == 0) throw new InvalidDataException($"processed samples \"{key}\" end before frame {(offset + read) / sizeof(float)}");
            read += got;
        }
    }
}
