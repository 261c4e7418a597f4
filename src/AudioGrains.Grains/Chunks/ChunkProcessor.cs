using System.Buffers;
using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using Microsoft.Win32.SafeHandles;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// The work of one chunk, without Orleans: read the chunk and its pre-roll from the working PCM,
/// filter, measure, write the processed samples (without the pre-roll) and the statistics.
/// Streams in fixed blocks, so memory does not depend on the chunk length.
/// </summary>
public static class ChunkProcessor
{
    public static ChunkStatistics Process(ChunkWork work, IBlobStore blobs, int blockFrames, CancellationToken ct)
    {
        var channels = work.Channels;
        var weights = work.ChannelWeights.Count == channels ? work.ChannelWeights.ToArray() : null;
        var meter = new LoudnessMeter(work.SampleRate, channels, weights);
        var highPass = work.HighPassHz is { } hz ? new HighPassFilter(work.SampleRate, channels, hz) : null;

        // Pooled: blocks are large-object-heap sized, and a fresh pair per chunk grows the heap with the job's length.
        var floats = ArrayPool<float>.Shared.Rent(blockFrames * channels);
        var doubles = ArrayPool<double>.Shared.Rent(blockFrames * channels);
        try
        {
            return Process(work, blobs, meter, highPass, blockFrames, floats, doubles, ct);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<double>.Shared.Return(doubles);
        }
    }

    private static ChunkStatistics Process(ChunkWork work, IBlobStore blobs, LoudnessMeter meter, HighPassFilter? highPass,
        int blockFrames, float[] floats, double[] doubles, CancellationToken ct)
    {
        var channels = work.Channels;
        var bytesPerFrame = channels * sizeof(float);

        using var pcm = File.OpenHandle(blobs.PathOf(work.PcmKey), FileMode.Open, FileAccess.Read, FileShare.Read);
        var firstFrame = work.StartFrame - work.PreRollFrames;

        // Pre-roll: settle the filters and the true-peak history; nothing is written or counted.
        ForEachBlock(pcm, firstFrame, work.PreRollFrames, blockFrames, floats, doubles, bytesPerFrame, channels, ct, block =>
        {
            highPass?.Process(block);
            meter.Prime(block);
        });

        using var samples = blobs.Create(JobBlobKeys.ChunkSamples(work.OutputKey));
        ForEachBlock(pcm, work.StartFrame, work.Frames, blockFrames, floats, doubles, bytesPerFrame, channels, ct, block =>
        {
            highPass?.Process(block);
            meter.Add(block);
            var output = floats.AsSpan(0, block.Length);
            for (var i = 0; i < block.Length; i++) output[i] = (float)block[i];
            samples.Stream.Write(MemoryMarshal.AsBytes(output));
        });
        if (meter.Frames != work.Frames)
            throw new InvalidDataException($"chunk {work.Index} read {meter.Frames} frames, expected {work.Frames}");

        return Commit(work, blobs, meter, samples);
    }

    /// <summary>
    /// Writes the chunk's statistics, then commits its samples: their presence with the statistics
    /// marks the chunk as done, so a crash in between leaves a chunk that is simply computed again.
    /// </summary>
    internal static ChunkStatistics Commit(ChunkWork work, IBlobStore blobs, LoudnessMeter meter, AtomicBlobWrite samples)
    {
        var statistics = new ChunkStatistics(meter.Frames, [.. meter.SegmentEnergies], meter.SamplePeak, meter.TruePeak);
        using (var stats = blobs.Create(JobBlobKeys.ChunkStatistics(work.OutputKey)))
        {
            statistics.WriteTo(stats.Stream);
            stats.Commit();
        }
        samples.Commit();
        return statistics;
    }

    /// <summary>True when the pass's outputs of the chunk are in the store (a retried call can reuse them).</summary>
    public static bool IsDone(ChunkWork work, IBlobStore blobs) => work.Pass switch
    {
        ChunkPass.Maxima => blobs.Exists(JobBlobKeys.ChunkMaxima(work.OutputKey)),
        ChunkPass.Noise => blobs.Exists(JobBlobKeys.ChunkNoise(work.OutputKey)),
        ChunkPass.Encode => blobs.Exists(JobBlobKeys.ChunkEncoded(work.OutputKey))
                            && (!work.MeasureEncoded || (blobs.Exists(JobBlobKeys.SegmentCheck(work.OutputKey)) && blobs.Exists(JobBlobKeys.ChunkStatistics(work.OutputKey)))),
        _ => blobs.Exists(JobBlobKeys.ChunkStatistics(work.OutputKey)) && blobs.Exists(JobBlobKeys.ChunkSamples(work.OutputKey))
             && blobs.Length(JobBlobKeys.ChunkSamples(work.OutputKey)) == (long)work.Frames * OutputChannels(work) * sizeof(float),
    };

    /// <summary>Channels a chunk writes: its working channels, or 1 when the centre is extracted from stereo.</summary>
    private static int OutputChannels(ChunkWork work) => work.Gate?.CentreExtraction == true ? 1 : work.Channels;

    private delegate void BlockAction(Span<double> block);

    private static void ForEachBlock(SafeFileHandle pcm, long startFrame, long frames, int blockFrames, float[] floats, double[] doubles,
        int bytesPerFrame, int channels, CancellationToken ct, BlockAction action)
    {
        var done = 0L;
        while (done < frames)
        {
            ct.ThrowIfCancellationRequested();
            var n = (int)Math.Min(blockFrames, frames - done);
            var bytes = MemoryMarshal.AsBytes(floats.AsSpan(0, n * channels));
            var offset = (startFrame + done) * bytesPerFrame;
            var read = 0;
            while (read < bytes.Length)
            {
                var got = RandomAccess.Read(pcm, bytes[read..], offset + read);
                if (got == 0) throw new InvalidDataException("working PCM ended before the chunk did");
                read += got;
            }
            var block = doubles.AsSpan(0, n * channels);
            for (var i = 0; i < block.Length; i++) block[i] = floats[i];
            action(block);
            done += n;
        }
    }
}
