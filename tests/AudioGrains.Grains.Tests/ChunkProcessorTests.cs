using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Tests;

/// <summary>Chunks processed independently, with pre-roll, give what one pass over the whole signal gives.</summary>
public sealed class ChunkProcessorTests : IDisposable
{
    private const int Rate = 16000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-chunks-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(1, null)]
    [InlineData(1, 80.0)]
    [InlineData(2, null)]
    public async Task Chunked_processing_equals_one_pass(int channels, double? highPassHz)
    {
        var store = new FileSystemBlobStore(_root);
        var signal = Signal(Rate * 23 + 777, channels);
        using (var w = store.Create("pcm"))
        {
            w.Stream.Write(MemoryMarshal.AsBytes(signal.AsSpan()));
            await w.CommitAsync();
        }
        var frames = signal.Length / channels;

        var (wholeSamples, wholeLoudness) = await RunAsync(store, "whole", ChunkPlan.Create(frames, Rate, 600, 1600), channels, highPassHz);
        var (chunkSamples, chunkLoudness) = await RunAsync(store, "chunked", ChunkPlan.Create(frames, Rate, 5, 1600), channels, highPassHz);

        Assert.Equal(wholeSamples.Length, chunkSamples.Length);
        if (highPassHz is null)
        {
            Assert.Equal(signal, chunkSamples); // nothing but a copy when no filter runs
            Assert.Equal(wholeSamples, chunkSamples);
        }
        else
        {
            var maxDiff = wholeSamples.Zip(chunkSamples, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDiff < 1e-6, $"high-pass seams differ by {maxDiff}");
        }
        Assert.Equal(wholeLoudness.IntegratedLufs, chunkLoudness.IntegratedLufs, 9);
        Assert.Equal(wholeLoudness.LoudnessRangeLu, chunkLoudness.LoudnessRangeLu, 9);
        Assert.Equal(wholeLoudness.TruePeakDbtp, chunkLoudness.TruePeakDbtp, 12);
        Assert.Equal(wholeLoudness.SamplePeakDbfs, chunkLoudness.SamplePeakDbfs);
        Assert.Equal(frames, chunkLoudness.Frames);
    }

    [Fact]
    public async Task A_repeated_call_finds_the_chunk_done()
    {
        var store = new FileSystemBlobStore(_root);
        var signal = Signal(Rate * 6, 1);
        using (var w = store.Create("pcm")) { w.Stream.Write(MemoryMarshal.AsBytes(signal.AsSpan())); await w.CommitAsync(); }
        var work = Work(ChunkPlan.Create(signal.Length, Rate, 1, 1600), 1, "c", 1, null);
        Assert.False(await ChunkProcessor.IsDoneAsync(work, store, CancellationToken.None));
        await ChunkProcessor.ProcessAsync(work, store, 4096, CancellationToken.None);
        Assert.True(await ChunkProcessor.IsDoneAsync(work, store, CancellationToken.None));
    }

    private async Task<(float[] Samples, LoudnessMerge Loudness)> RunAsync(IBlobStore store, string prefix, ChunkPlan plan, int channels, double? highPassHz)
    {
        var stats = new List<ChunkStatistics>();
        var samples = new List<float>();
        for (var i = 0; i < plan.Count; i++)
        {
            var work = Work(plan, i, prefix, channels, highPassHz);
            stats.Add(await ChunkProcessor.ProcessAsync(work, store, 3000, CancellationToken.None));
            var bytes = File.ReadAllBytes(Path.Combine(_root, JobBlobKeys.ChunkSamples(work.Chunk.OutputKey)));
            samples.AddRange(MemoryMarshal.Cast<byte, float>(bytes).ToArray());
        }
        return (samples.ToArray(), LoudnessMerge.Of(stats, Rate));
    }

    private static ProcessWork Work(ChunkPlan plan, int i, string prefix, int channels, double? highPassHz) => new()
    {
        Chunk = new ChunkSlice
        {
            JobId = "j",
            Index = i,
            PcmKey = "pcm",
            OutputKey = $"{prefix}/{i:D6}",
            StartFrame = plan.Start(i),
            Frames = plan.Length(i),
            SampleRate = Rate,
            Channels = channels,
            TotalFrames = plan.TotalFrames,
            HighPassHz = highPassHz,
        },
        PreRollFrames = plan.PreRoll(i, Rate),
        ChannelWeights = ChannelWeights.For(channels, null),
    };

    /// <summary>Tones, seeded noise, a level change and a full-scale click exactly on a 5 s seam.</summary>
    private static float[] Signal(int frames, int channels)
    {
        var random = new Random(42);
        var x = new float[frames * channels];
        for (var n = 0; n < frames; n++)
            for (var c = 0; c < channels; c++)
            {
                var t = (double)n / Rate;
                var level = t < 11 ? 0.1 : 0.4;
                x[n * channels + c] = (float)(level * Math.Sin(2 * Math.PI * (440 + 110 * c) * t) + 0.05 * (random.NextDouble() - 0.5) + 0.2 * Math.Sin(2 * Math.PI * 40 * t));
            }
        for (var c = 0; c < channels; c++) x[5 * Rate * channels + c] = 0.99f;
        return x;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }
}
