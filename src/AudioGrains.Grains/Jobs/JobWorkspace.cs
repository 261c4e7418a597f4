using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Segments;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// One job's blobs: where its data lives, local files for ffmpeg (<see cref="Staging"/>), reading and merging what its
/// chunks and segments wrote, and cleaning up.
/// </summary>
public sealed class JobWorkspace(IBlobStore blobs, BlobStaging staging, string jobId)
{
    public IBlobStore Blobs => blobs;

    public BlobStaging Staging => staging;

    public string JobId => jobId;

    public string PcmKey => JobBlobKeys.Pcm(jobId);

    public async Task<bool> HasWorkingPcmAsync(CancellationToken ct = default) => await blobs.LengthAsync(PcmKey, ct) is not null;

    /// <summary>The statistics of a chunk or an Opus segment, by its key prefix.</summary>
    public async Task<ChunkStatistics> ReadStatisticsAsync(string key, CancellationToken ct = default)
    {
        await using var stream = await blobs.OpenReadAsync(JobBlobKeys.Statistics(key), ct: ct).ConfigureAwait(false);
        using var buffered = new BufferedStream(stream, 1 << 16);
        return ChunkStatistics.ReadFrom(buffered);
    }

    /// <summary>The statistics of the first <paramref name="count"/> items under <paramref name="keyOf"/>, in order (each is small: 8 bytes per 100 ms).</summary>
    private async Task<List<ChunkStatistics>> ReadAllStatisticsAsync(int count, Func<int, string> keyOf, CancellationToken ct)
    {
        var all = new List<ChunkStatistics>(count);
        for (var i = 0; i < count; i++) all.Add(await ReadStatisticsAsync(keyOf(i), ct).ConfigureAwait(false));
        return all;
    }

    /// <summary>The processed signal's loudness, merged exactly from its chunks in order.</summary>
    public async Task<LoudnessMerge> MergeChunkLoudnessAsync(int chunkCount, int sampleRate, CancellationToken ct = default) =>
        LoudnessMerge.Of(await ReadAllStatisticsAsync(chunkCount, i => JobBlobKeys.Chunk(jobId, i), ct).ConfigureAwait(false), sampleRate);

    /// <summary>
    /// The output's loudness from the Opus segments' own measurements, or null when a seam's decoders disagree or a
    /// segment was not measured (then the whole file must be measured).
    /// </summary>
    public async Task<LoudnessReport?> MergeSegmentLoudnessAsync(int segmentCount, int channels, CancellationToken ct = default)
    {
        if (!SegmentMeasurement.CanMeasure(channels)) return null;
        var keys = Enumerable.Range(0, segmentCount).Select(i => JobBlobKeys.Segment(jobId, i)).ToList();
        if (!await SegmentMeasurement.SeamsAgreeAsync(blobs, keys, ct).ConfigureAwait(false)) return null;
        var statistics = await ReadAllStatisticsAsync(segmentCount, i => keys[i], ct).ConfigureAwait(false);
        return LoudnessMerge.Of(statistics, SegmentMeasurement.DecodedRate).ToReport(SegmentMeasurement.DecodedRate, channels);
    }

    /// <summary>Analysis step 1 merged: the signal's per-bin maxima and, when a noise clip is set, the clip's.</summary>
    public async Task<(BinMaxima Signal, BinMaxima? Clip)> MergeMaximaAsync(int chunkCount, CancellationToken ct = default)
    {
        BinMaxima? signal = null, clip = null;
        for (var i = 0; i < chunkCount; i++)
        {
            var flat = await DoubleArrayBlob.ReadAsync(blobs, JobBlobKeys.ChunkMaxima(JobBlobKeys.Chunk(jobId, i)), ct).ConfigureAwait(false);
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
    public async Task<NoiseProfile> MergeNoiseAsync(IReadOnlyList<int> chunks, CancellationToken ct = default)
    {
        NoiseProfile? merged = null;
        foreach (var i in chunks)
        {
            var flat = await DoubleArrayBlob.ReadAsync(blobs, JobBlobKeys.ChunkNoise(JobBlobKeys.Chunk(jobId, i)), ct).ConfigureAwait(false);
            if (flat.Length == 0) continue;
            var part = NoiseProfile.FromArray(flat);
            if (merged is null) merged = part; else merged.Merge(part);
        }
        return merged ?? throw new AudioGrainsException(ErrorCodes.InvalidOptions, "the noise clip holds no whole STFT frame");
    }

    /// <summary>The most one read returns (a grain call carries it whole).</summary>
    public const int MaxReadBytes = 4 * 1024 * 1024;

    /// <summary>Up to <paramref name="count"/> bytes (at most <see cref="MaxReadBytes"/>) of a blob from <paramref name="offset"/>; empty at its end.</summary>
    public async Task<byte[]> ReadAsync(string key, long offset, int count, CancellationToken ct)
    {
        if (offset < 0 || count < 1) throw new AudioGrainsException(ErrorCodes.InvalidOptions, "a read needs an offset of 0 or more and a count of 1 or more");
        count = Math.Min(count, MaxReadBytes);
        await using var stream = await blobs.OpenReadAsync(key, offset, count, ct).ConfigureAwait(false);
        var buffer = new byte[count];
        var read = await stream.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return read == count ? buffer : buffer[..read];
    }

    public Task WriteArrayAsync(string key, double[] values, CancellationToken ct = default) => DoubleArrayBlob.WriteAsync(blobs, key, values, ct);

    /// <summary>What a finished job no longer needs: the working data and the input. The output stays.</summary>
    public async Task DeleteIntermediatesAsync()
    {
        await blobs.DeletePrefixAsync(JobBlobKeys.Work(jobId)).ConfigureAwait(false);
        await blobs.DeleteAsync(JobBlobKeys.Input(jobId)).ConfigureAwait(false);
    }

    /// <summary>Everything of the job, output included.</summary>
    public Task DeleteAllAsync() => blobs.DeletePrefixAsync(JobBlobKeys.Root(jobId));
}
