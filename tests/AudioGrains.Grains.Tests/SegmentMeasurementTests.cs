using Microsoft.Extensions.Options;
using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Segments;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using AudioGrains.Media;
using AudioGrains.Media.Ogg;

namespace AudioGrains.Grains.Tests;

/// <summary>
/// Opus segments encoded and measured apart by the encode pass (real ffmpeg): their measurements merge into the
/// measurement of the joined file, and a seam whose decoders disagree is caught.
/// </summary>
public sealed class SegmentMeasurementTests : IDisposable
{
    private const int Rate = 16000;
    private const int ChunkFrames = 4 * Rate;
    private const string Job = "job";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-segments-" + Guid.NewGuid().ToString("N"));
    private readonly FfmpegOptions _ffmpeg = new();

    [Fact]
    public async Task Merged_segment_measurements_equal_the_joined_file_measured_whole()
    {
        var store = new FileSystemBlobStore(_root);
        var keys = await EncodeAndMeasureAsync(store, chunks: 3);

        Assert.True(await SegmentMeasurement.SeamsAgreeAsync(store, keys));
        var merged = LoudnessMerge.Of(keys.Select(k =>
        {
            using var s = File.OpenRead(Path.Combine(_root, JobBlobKeys.Statistics(k)));
            return ChunkStatistics.ReadFrom(s);
        }), SegmentMeasurement.DecodedRate);

        var joined = Path.Combine(_root, "joined.opus");
        var segments = keys.Select((k, i) => new OpusSegment(Path.Combine(_root, JobBlobKeys.SegmentOpus(k)), Math.Min(i * ChunkFrames, 2 * Rate), ChunkFrames)).ToList();
        await using (var stream = File.Create(joined))
        {
            Assert.Empty(OpusSegments.Join(segments, Rate, 3 * ChunkFrames, stream));
        }
        var meter = new LoudnessMeter(SegmentMeasurement.DecodedRate, 1);
        var info = new MediaInfo("ogg", 12, SegmentMeasurement.DecodedRate, 1, null, "opus", false);
        await new PcmDecoder(_ffmpeg).StreamNativeAsync(joined, info, b => meter.Add(b), CancellationToken.None);
        var whole = meter.Result();

        Assert.Equal(whole.Frames, merged.Frames);
        Assert.Equal(whole.IntegratedLufs, merged.IntegratedLufs);
        Assert.Equal(whole.LoudnessRangeLu, merged.LoudnessRangeLu);
        Assert.Equal(whole.TruePeakDbtp, merged.TruePeakDbtp);
        Assert.Equal(whole.SamplePeakDbfs, merged.SamplePeakDbfs);
    }

    [Fact]
    public async Task A_seam_whose_decoders_disagree_is_caught()
    {
        var store = new FileSystemBlobStore(_root);
        var keys = await EncodeAndMeasureAsync(store, chunks: 2);
        var check = Path.Combine(_root, JobBlobKeys.SegmentCheck(keys[1]));
        var bytes = await File.ReadAllBytesAsync(check);
        bytes[4 + 1000] ^= 0x01; // one bit of one float of segment 1's decoded head

        await File.WriteAllBytesAsync(check, bytes);

        Assert.False(await SegmentMeasurement.SeamsAgreeAsync(store, keys));
    }

    /// <summary>Writes chunks of processed samples, then runs the encode pass (with measurement) of one segment per chunk.</summary>
    private async Task<List<string>> EncodeAndMeasureAsync(FileSystemBlobStore store, int chunks)
    {
        var random = new Random(3);
        var total = chunks * ChunkFrames;
        for (var c = 0; c < chunks; c++)
        {
            var samples = new float[ChunkFrames];
            for (var n = 0; n < ChunkFrames; n++)
            {
                var t = (double)(c * ChunkFrames + n) / Rate;
                samples[n] = (float)(0.3 * Math.Sin(2 * Math.PI * (200 + 40 * t) * t) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 0.7 * t)) + 0.02 * (random.NextDouble() - 0.5));
            }
            using var w = store.Create(JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(Job, c)));
            w.Stream.Write(MemoryMarshal.AsBytes(samples.AsSpan()));
            await w.CommitAsync();
        }

        var keys = new List<string>();
        for (var i = 0; i < chunks; i++)
        {
            var work = new EncodeWork
            {
                JobId = Job, Index = i, SegmentKey = JobBlobKeys.Segment(Job, i),
                StartFrame = (long)i * ChunkFrames, Frames = ChunkFrames, SampleRate = Rate, Channels = 1, TotalFrames = total,
                Gain = 1.5, PreRollFrames = Math.Min(i * ChunkFrames, OpusSegments.PreRollFrames(Rate)),
                PostRollFrames = OpusSegments.PostRollFrames(Rate), ChunkFrames = ChunkFrames, Measure = true,
            };
            var staging = new BlobStaging(store, Options.Create(new ProcessingOptions()));
            Assert.False(await SegmentEncoder.IsDoneAsync(work, store, CancellationToken.None));
            await SegmentEncoder.EncodeAsync(work, store, staging, new PcmEncoder(_ffmpeg), 4096, CancellationToken.None);
            await SegmentMeasurement.MeasureAsync(work, store, staging, new PcmDecoder(_ffmpeg), CancellationToken.None);
            Assert.True(await SegmentEncoder.IsDoneAsync(work, store, CancellationToken.None));
            keys.Add(work.SegmentKey);
        }
        return keys;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
