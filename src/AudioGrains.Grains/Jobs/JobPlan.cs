using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Segments;
using AudioGrains.Media.Ogg;

namespace AudioGrains.Grains.Jobs;

/// <summary>The work of each pass of one laid-out job: what every chunk and segment is told to do. Pure.</summary>
public sealed record JobPlan(string JobId, JobSpec Spec, JobLayout Layout)
{
    public ChunkPlan Chunks => Layout.Chunks();

    public IReadOnlyList<(long Start, int Frames)> Segments => JobPlanner.Segments(Layout.TotalFrames, Layout.SegmentFrames);

    public bool EncodesSegments => JobPlanner.EncodesSegments(Spec.Options, Layout.SampleRate);

    public IReadOnlyList<int> AllChunks => Enumerable.Range(0, Chunks.Count).ToList();

    /// <summary>The chunks that hold part of the noise clip (every chunk when the whole input is the noise source).</summary>
    public IReadOnlyList<int> NoiseChunks => AllChunks.Where(i =>
        Layout.NoiseClipStartFrame is not { } first || Layout.NoiseClipEndFrame is not { } last
        || (Chunks.Start(i) < last && Chunks.Start(i) + Chunks.Length(i) > first)).ToList();

    public ChunkSlice Slice(int index) => new()
    {
        JobId = JobId,
        Index = index,
        PcmKey = JobBlobKeys.Pcm(JobId),
        OutputKey = JobBlobKeys.Chunk(JobId, index),
        StartFrame = Chunks.Start(index),
        Frames = Chunks.Length(index),
        SampleRate = Layout.SampleRate,
        Channels = Layout.Channels,
        TotalFrames = Layout.TotalFrames,
        HighPassHz = Spec.Options.HighPassHz,
        CorrelationId = Spec.CorrelationId,
    };

    public AnalyzeWork Analyze(int index, AnalysisStep step) => new()
    {
        Chunk = Slice(index),
        Step = step,
        Gate = Layout.Gate ?? throw new InvalidOperationException("the analysis pass needs the spectral stage"),
        NoiseClipStartFrame = Layout.NoiseClipStartFrame,
        NoiseClipEndFrame = Layout.NoiseClipEndFrame,
        NoiseMaximaKey = step == AnalysisStep.Noise ? JobBlobKeys.NoiseMaxima(JobId) : null,
    };

    public ProcessWork Process(int index)
    {
        var stationary = Layout.Gate?.Mode == NoiseReduction.Stationary;
        return new ProcessWork
        {
            Chunk = Slice(index),
            // With the STFT stage the pre-roll is processed too, so it must start on the hop grid.
            PreRollFrames = Chunks.PreRoll(index, Layout.SampleRate, JobPlanner.StftHop(Layout.Gate, Layout.SampleRate)),
            ChannelWeights = Layout.ChannelWeights,
            Gate = Layout.Gate,
            SignalMaximaKey = stationary ? JobBlobKeys.SignalMaxima(JobId) : null,
            NoiseProfileKey = stationary ? JobBlobKeys.NoiseProfile(JobId) : null,
        };
    }

    public EncodeWork Encode(int index, double gain)
    {
        var (start, frames) = Segments[index];
        return new EncodeWork
        {
            JobId = JobId,
            Index = index,
            SegmentKey = JobBlobKeys.Segment(JobId, index),
            StartFrame = start,
            Frames = frames,
            SampleRate = Layout.SampleRate,
            Channels = Layout.OutputChannels,
            TotalFrames = Layout.TotalFrames,
            ChunkFrames = Layout.ChunkFrames,
            Gain = gain,
            PreRollFrames = JobPlanner.SegmentPreRoll(start, Layout.SampleRate),
            PostRollFrames = OpusSegments.PostRollFrames(Layout.SampleRate),
            Measure = SegmentMeasurement.CanMeasure(Layout.OutputChannels),
            CorrelationId = Spec.CorrelationId,
        };
    }
}
