namespace AudioGrains.Grains.Chunks;

/// <summary>One chunk's processing: filter, gate, measure, and write its processed samples and statistics.</summary>
[GenerateSerializer, Immutable]
public sealed record ProcessWork
{
    [Id(0)] public required ChunkSlice Chunk { get; init; }

    /// <summary>Frames before the start read only to settle filter state (never written).</summary>
    [Id(1)] public required int PreRollFrames { get; init; }

    /// <summary>Loudness weight per working channel (ITU-R BS.1770).</summary>
    [Id(2)] public IReadOnlyList<double> ChannelWeights { get; init; } = [];

    /// <summary>The STFT stage; null when neither noise reduction nor voice isolation is asked for.</summary>
    [Id(3)] public GateSpec? Gate { get; init; }

    /// <summary>Stationary noise reduction: blob keys of the merged analysis results.</summary>
    [Id(4)] public string? SignalMaximaKey { get; init; }

    [Id(5)] public string? NoiseProfileKey { get; init; }

    /// <summary>Channels the chunk writes: its working channels, or 1 when the centre is extracted from stereo.</summary>
    public int OutputChannels => Gate?.CentreExtraction == true ? 1 : Chunk.Channels;
}
