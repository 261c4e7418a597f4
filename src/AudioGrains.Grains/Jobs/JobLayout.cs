using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// How a decoded job is cut up, fixed once after the decode and persisted with the job: the working format, the chunk
/// grid and plan, the noise clip in frames, the Opus segment length and the spectral stage. Made by <see cref="JobPlanner"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobLayout
{
    /// <summary>Rate and channels of the working PCM.</summary>
    [Id(0)] public required int SampleRate { get; init; }
    [Id(1)] public required int Channels { get; init; }

    /// <summary>Channels of the processed output: the working channels, or 1 when the centre is extracted from stereo.</summary>
    [Id(2)] public required int OutputChannels { get; init; }

    /// <summary>Loudness weight per working channel.</summary>
    [Id(3)] public required double[] ChannelWeights { get; init; }

    [Id(4)] public required long TotalFrames { get; init; }
    [Id(5)] public required int ChunkFrames { get; init; }

    /// <summary>Every chunk starts on a multiple of this: the 100 ms loudness block, and the STFT hop when the gate runs.</summary>
    [Id(6)] public required int GridFrames { get; init; }

    [Id(7)] public long? NoiseClipStartFrame { get; init; }
    [Id(8)] public long? NoiseClipEndFrame { get; init; }

    /// <summary>
    /// Frames per Opus segment (whole packets). Segments start on multiples of it whatever the chunk size, and it is
    /// fixed with the job, so a silo with other settings joins the same segments.
    /// </summary>
    [Id(9)] public required int SegmentFrames { get; init; }

    /// <summary>The spectral stage; null when neither noise reduction nor voice isolation runs.</summary>
    [Id(10)] public GateSpec? Gate { get; init; }

    /// <summary>The chunks. A method, not a property: the state is persisted as JSON too (Redis), which must hold only the fields.</summary>
    public ChunkPlan Chunks() => new(TotalFrames, ChunkFrames, GridFrames);
}
