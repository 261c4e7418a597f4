using System.Buffers;
using System.Runtime.InteropServices;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Media;

namespace AudioGrains.Grains.Segments;

/// <summary>
/// Encodes one Opus segment: the processed samples of its stretch, with the pre-roll and post-roll read from the
/// chunks around it, through the job's gain into an Ogg Opus file (<see cref="Media.Ogg.OpusSegments"/> joins them).
/// Streams in fixed blocks.
/// </summary>
public static class SegmentEncoder
{
    public static async Task EncodeAsync(EncodeWork work, IBlobStore blobs, PcmEncoder encoder, int blockFrames, CancellationToken ct)
    {
        if (work.ChunkFrames < 1) throw new ArgumentException("a segment needs the plan's chunk length", nameof(work));
        var channels = work.Channels;
        var first = work.StartFrame - work.PreRollFrames;
        var end = Math.Min(work.TotalFrames, work.StartFrame + work.Frames + work.PostRollFrames);
        var samples = ArrayPool<float>.Shared.Rent(blockFrames * channels);
        try
        {
            await using var session = encoder.Start(blobs.PathForWriting(JobBlobKeys.SegmentOpus(work.SegmentKey)), OutputFormat.Opus,
                new PcmFormat(work.SampleRate, channels), (double)(end - first) / work.SampleRate, ct);
            for (var frame = first; frame < end;)
            {
                // One chunk's processed samples at a time.
                var chunk = (int)(frame / work.ChunkFrames);
                var chunkStart = (long)chunk * work.ChunkFrames;
                var chunkEnd = Math.Min(end, chunkStart + work.ChunkFrames);
                var key = JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(work.JobId, chunk));
                using var handle = File.OpenHandle(blobs.PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read);
                for (; frame < chunkEnd;)
                {
                    ct.ThrowIfCancellationRequested();
                    var n = (int)Math.Min(blockFrames, chunkEnd - frame);
                    var block = samples.AsSpan(0, n * channels);
                    ReadExactly(handle, key, (frame - chunkStart) * channels * sizeof(float), MemoryMarshal.AsBytes(block));
                    Jobs.OutputAssembler.ApplyGain(block, work.Gain);
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

    /// <summary>True when the segment's Ogg file (and, when measured, its statistics and seam check) are in the store.</summary>
    public static bool IsDone(EncodeWork work, IBlobStore blobs) =>
        blobs.Exists(JobBlobKeys.SegmentOpus(work.SegmentKey))
        && (!work.Measure || (blobs.Exists(JobBlobKeys.SegmentCheck(work.SegmentKey)) && blobs.Exists(JobBlobKeys.Statistics(work.SegmentKey))));

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
