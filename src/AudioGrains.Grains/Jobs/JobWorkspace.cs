using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Segments;
using AudioGrains.Grains.Storage;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// One job's blobs: where its data lives, reading and merging what its chunks and segments wrote, and cleaning up.
/// The merges read the store, so call them off the grain's scheduler.
/// </summary>
public sealed class JobWorkspace(IBlobStore blobs, string jobId)
{
    public IBlobStore Blobs => blobs;

    public string JobId => jobId;

    public string PcmKey => JobBlobKeys.Pcm(jobId);

    public bool HasWorkingPcm => blobs.Exists(PcmKey);

    public string PathOf(string key) => blobs.PathOf(key);

    public string PathForWriting(string key) => blobs.PathForWriting(key);

    /// <summary>The statistics of a chunk or an Opus segment, by its key prefix.</summary>
    public ChunkStatistics ReadStatistics(string key)
    {
        using var stream = blobs.OpenRead(JobBlobKeys.Statistics(key));
        return ChunkStatistics.ReadFrom(stream);
    }

    /// <summary>The processed signal's loudness, merged exactly from its chunks in order.</summary>
    public LoudnessMerge MergeChunkLoudness(int chunkCount, int sampleRate) =>
        LoudnessMerge.Of(Enumerable.Range(0, chunkCount).Select(i => ReadStatistics(JobBlobKeys.Chunk(jobId, i))), sampleRate);

    /// <summary>
    /// The output's loudness from the Opus segments' own measurements, or null when a seam's decoders disagree or a
    /// segment was not measured (then the whole file must be measured).
    /// </summary>
    public LoudnessReport? MergeSegmentLoudness(int segmentCount, int channels)
    {
        if (!SegmentMeasurement.CanMeasure(channels)) return null;
        var keys = Enumerable.Range(0, segmentCount).Select(i => JobBlobKeys.Segment(jobId, i)).ToList();
        if (!SegmentMeasurement.SeamsAgree(blobs, keys)) return null;
        return LoudnessMerge.Of(keys.Select(ReadStatistics), SegmentMeasurement.DecodedRate).ToReport(SegmentMeasurement.DecodedRate, channels);
    }

    /// <summary>Analysis step 1 merged: the signal's per-bin maxima and, when a noise clip is set, the clip's.</summary>
    public (BinMaxima Signal, BinMaxima? Clip) MergeMaxima(int chunkCount)
    {
        BinMaxima? signal = null, clip = null;
        for (var i = 0; i < chunkCount; i++)
        {
            var flat = DoubleArrayBlob.Read(blobs, JobBlobKeys.ChunkMaxima(JobBlobKeys.Chunk(jobId, i)));
            var signalLength = (int)flat[0];
            var chunkSignal = BinMaxima.FromArray(flat.AsSpan(1, signalLength).ToArray());
            if (signal is null) signal = chunkSignal; else signal.Merge(chunkSignal);
            if (flat.Length > 1 + signalLength)
            {
                var chunkClip = BinMaxima.FromArray(flat.AsSpan(1 + signalLength).ToArray());
                if (clip is null) clip = chunkClip; else clip.Merge(chunkClip);
            }
        }
        return (signal ?? throw new InvalidOperationException("no chunk to merge"), clip);
    }

    /// <summary>Analysis step 2 merged: the noise profile of the chunks that hold noise.</summary>
    public NoiseProfile MergeNoise(IReadOnlyList<int> chunks)
    {
        NoiseProfile? merged = null;
        foreach (var i in chunks)
        {
            var flat = DoubleArrayBlob.Read(blobs, JobBlobKeys.ChunkNoise(JobBlobKeys.Chunk(jobId, i)));
            if (flat.Length == 0) continue;
            var part = NoiseProfile.FromArray(flat);
            if (merged is null) merged = part; else merged.Merge(part);
        }
        return merged ?? throw new AudioGrainsException(ErrorCodes.InvalidOptions, "the noise clip holds no whole STFT frame");
    }

    public void WriteArray(string key, double[] values) => DoubleArrayBlob.Write(blobs, key, values);

    /// <summary>What a finished job no longer needs: the working data and the input. The output stays.</summary>
    public void DeleteIntermediates()
    {
        blobs.DeleteTree(JobBlobKeys.Work(jobId));
        blobs.Delete(JobBlobKeys.Input(jobId));
    }

    /// <summary>Everything of the job, output included.</summary>
    public void DeleteAll() => blobs.DeleteTree(JobBlobKeys.Root(jobId));
}
