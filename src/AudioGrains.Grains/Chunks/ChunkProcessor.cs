using System.Buffers;
using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Jobs;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// The work of one chunk, without Orleans: read the chunk and its pre-roll from the working PCM,
/// filter, measure, write the processed samples (without the pre-roll) and the statistics.
/// Streams in fixed blocks, so memory does not depend on the chunk length.
/// </summary>
public static class ChunkProcessor
{
    public static async Task<ChunkStatistics> ProcessAsync(ProcessWork work, IBlobStore blobs, int blockFrames, CancellationToken ct)
    {
        var chunk = work.Chunk;
        var channels = chunk.Channels;
        var weights = work.ChannelWeights.Count == channels ? work.ChannelWeights.ToArray() : null;
        var meter = new LoudnessMeter(chunk.SampleRate, channels, weights);
        var highPass = chunk.HighPassHz is { } hz ? new HighPassFilter(chunk.SampleRate, channels, hz) : null;

        // Pooled: blocks are large-object-heap sized, and a fresh pair per chunk grows the heap with the job's length.
        var floats = ArrayPool<float>.Shared.Rent(blockFrames * channels);
        var doubles = ArrayPool<double>.Shared.Rent(blockFrames * channels);
        try
        {
            return await ProcessAsync(work, blobs, meter, highPass, blockFrames, floats, doubles, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<double>.Shared.Return(doubles);
        }
    }

    private static async Task<ChunkStatistics> ProcessAsync(ProcessWork work, IBlobStore blobs, LoudnessMeter meter, HighPassFilter? highPass,
        int blockFrames, float[] floats, double[] doubles, CancellationToken ct)
    {
        var chunk = work.Chunk;
        var channels = chunk.Channels;
        var bytesPerFrame = channels * sizeof(float);
        var firstFrame = chunk.StartFrame - work.PreRollFrames;
        await using var pcm = await blobs.OpenReadAsync(chunk.PcmKey, firstFrame * bytesPerFrame,
            (long)(work.PreRollFrames + chunk.Frames) * bytesPerFrame, ct).ConfigureAwait(false);

        // Pre-roll: settle the filters and the true-peak history; nothing is written or counted.
        ForEachBlock(pcm, work.PreRollFrames, blockFrames, floats, doubles, channels, ct, block =>
        {
            highPass?.Process(block);
            meter.Prime(block);
        });

        using var samples = blobs.Create(JobBlobKeys.ChunkSamples(chunk.OutputKey));
        ForEachBlock(pcm, chunk.Frames, blockFrames, floats, doubles, channels, ct, block =>
        {
            highPass?.Process(block);
            meter.Add(block);
            var output = floats.AsSpan(0, block.Length);
            for (var i = 0; i < block.Length; i++) output[i] = (float)block[i];
            samples.Stream.Write(MemoryMarshal.AsBytes(output));
        });
        if (meter.Frames != chunk.Frames)
            throw new InvalidDataException($"chunk {chunk.Index} read {meter.Frames} frames, expected {chunk.Frames}");

        return await CommitAsync(chunk, blobs, meter, samples, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the chunk's statistics, then commits its samples: their presence with the statistics
    /// marks the chunk as done, so a crash in between leaves a chunk that is simply computed again.
    /// </summary>
    /// <remarks>A cancelled job's chunk commits nothing: the last check comes before the first rename.</remarks>
    internal static async Task<ChunkStatistics> CommitAsync(ChunkSlice chunk, IBlobStore blobs, LoudnessMeter meter, IBlobWrite samples, CancellationToken ct)
    {
        var statistics = new ChunkStatistics(meter.Frames, [.. meter.SegmentEnergies], meter.SamplePeak, meter.TruePeak);
        using (var stats = blobs.Create(JobBlobKeys.Statistics(chunk.OutputKey)))
        {
            statistics.WriteTo(stats.Stream);
            await stats.CommitAsync(ct).ConfigureAwait(false);
        }
        await samples.CommitAsync(ct).ConfigureAwait(false);
        return statistics;
    }

    /// <summary>True when the chunk's processed samples and statistics are in the store (a repeated call can reuse them).</summary>
    public static async Task<bool> IsDoneAsync(ProcessWork work, IBlobStore blobs, CancellationToken ct)
    {
        var key = work.Chunk.OutputKey;
        return await blobs.LengthAsync(JobBlobKeys.Statistics(key), ct).ConfigureAwait(false) is not null
               && await blobs.LengthAsync(JobBlobKeys.ChunkSamples(key), ct).ConfigureAwait(false) == (long)work.Chunk.Frames * work.OutputChannels * sizeof(float);
    }

    private delegate void BlockAction(Span<double> block);

    /// <summary>Reads <paramref name="frames"/> frames from where <paramref name="pcm"/> stands, block by block, as doubles.</summary>
    private static void ForEachBlock(Stream pcm, long frames, int blockFrames, float[] floats, double[] doubles,
        int channels, CancellationToken ct, BlockAction action)
    {
        var done = 0L;
        while (done < frames)
        {
            ct.ThrowIfCancellationRequested();
            var n = (int)Math.Min(blockFrames, frames - done);
            var bytes = MemoryMarshal.AsBytes(floats.AsSpan(0, n * channels));
            if (pcm.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                throw new InvalidDataException("working PCM ended before the chunk did");
            var block = doubles.AsSpan(0, n * channels);
            for (var i = 0; i < block.Length; i++) block[i] = floats[i];
            action(block);
            done += n;
        }
    }
}
