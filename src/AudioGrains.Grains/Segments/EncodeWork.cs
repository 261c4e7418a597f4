namespace AudioGrains.Grains.Segments;

/// <summary>
/// One Opus segment of the output: the processed samples of [StartFrame, StartFrame + Frames), with pre- and
/// post-roll read from the neighbouring chunks, through the job's gain into an Ogg Opus file.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EncodeWork
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required int Index { get; init; }

    /// <summary>Blob key prefix of this segment's outputs (its Ogg file, statistics and seam check).</summary>
    [Id(2)] public required string SegmentKey { get; init; }

    [Id(3)] public required long StartFrame { get; init; }
    [Id(4)] public required int Frames { get; init; }
    [Id(5)] public required int SampleRate { get; init; }
    [Id(6)] public required int Channels { get; init; }
    [Id(7)] public required long TotalFrames { get; init; }

    /// <summary>The chunk plan's chunk length, to find the processed samples of the chunks a segment reads.</summary>
    [Id(8)] public required int ChunkFrames { get; init; }

    /// <summary>The job's one linear gain, applied before encoding.</summary>
    [Id(9)] public required double Gain { get; init; }

    /// <summary>Frames encoded before the segment and after it (their packets are dropped when joining).</summary>
    [Id(10)] public required int PreRollFrames { get; init; }

    [Id(11)] public required int PostRollFrames { get; init; }

    /// <summary>Also decode the segment and measure its own stretch, as the output's report needs.</summary>
    [Id(12)] public bool Measure { get; init; }

    [Id(13)] public string CorrelationId { get; init; } = "";
}
