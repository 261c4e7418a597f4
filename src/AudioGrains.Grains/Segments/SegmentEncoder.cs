using System.Buffers;
using System.Runtime.InteropServices;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using AudioGrains.Media;

namespace AudioGrains.Grains.Segments;

/// <summary>
/// Encodes one Opus segment: the processed samples of its stretch, with the pre-roll and post-roll read from the
/// chunks around it, through the job's gain into an Ogg Opus file (<see cref="Media.Ogg.OpusSegments"/> joins them).
/// Streams in fixed blocks.
/// </summary>
public static class SegmentEncoder
{
    public static async Task EncodeAsync(EncodeWork work, IBlobStore blobs, BlobStaging staging, PcmEncoder encoder, int blockFrames, CancellationToken ct)
    {
        if (work.ChunkFrames < 1) throw new ArgumentException("a segment needs the plan's chunk length", nameof(work));
        var channels = work.Channels;
        var first = work.StartFrame - work.PreRollFrames;
        var end = Math.Min(work.TotalFrames, work.StartFrame + work.Frames + work.PostRollFrames);
        var samples = ArrayPool<float>.Shared.Rent(blockFrames * channels);
        try
        {
            using var output = staging.Output(JobBlobKeys.SegmentOpus(work.SegmentKey));
            await using var session = encoder.Start(output.Path, OutputFormat.Opus,
                new PcmFormat(work.SampleRate, channels), (double)(end - first) / work.SampleRate, ct);
            for (var frame = first; frame < end;)
            {
                // One chunk's processed samples at a time.
                var chunk = (int)(frame / work.ChunkFrames);
                var chunkStart = (long)chunk * work.ChunkFrames;
                var chunkEnd = Math.Min(end, chunkStart + work.ChunkFrames);
                var key = JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(work.JobId, chunk));
                var bytesPerFrame = channels * sizeof(float);
                await using var read = await blobs.OpenReadAsync(key, (frame - chunkStart) * bytesPerFrame, (chunkEnd - frame) * bytesPerFrame, ct).ConfigureAwait(false);
                for (; frame < chunkEnd;)
                {
                    ct.ThrowIfCancellationRequested();
                    var n = (int)Math.Min(blockFrames, chunkEnd - frame);
                    var block = samples.AsSpan(0, n * channels);
                    if (read.ReadAtLeast(MemoryMarshal.AsBytes(block), n * bytesPerFrame, throwOnEndOfStream: false) < n * bytesPerFrame)
                        throw new InvalidDataException($"processed samples \"{key}\" end before frame {frame - chunkStart + n}");
                    Jobs.OutputAssembler.ApplyGain(block, work.Gain);
                    await session.WriteAsync(samples.AsMemory(0, n * channels), ct).ConfigureAwait(false);
                    frame += n;
                }
            }
            await session.CompleteAsync(ct).ConfigureAwait(false);
            await output.CommitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
        }
    }

    /// <summary>True when the segment's Ogg file (and, when measured, its statistics and seam check) are in the store.</summary>
    public static async Task<bool> IsDoneAsync(EncodeWork work, IBlobStore blobs, CancellationToken ct)
    {
        async Task<bool> Has(string key) => await blobs.LengthAsync(key, ct).ConfigureAwait(false) is not null;
        return await Has(JobBlobKeys.SegmentOpus(work.SegmentKey))
               && (!work.Measure || (await Has(JobBlobKeys.SegmentCheck(work.SegmentKey)) && await Has(JobBlobKeys.Statistics(work.SegmentKey))));
    }
}
