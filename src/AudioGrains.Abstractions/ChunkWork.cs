namespace AudioGrains.Abstractions;

/// <summary>One chunk's work order: which frames of the job's working PCM to process, with how much context.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkWork
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public int Index { get; init; }

    /// <summary>Blob key of the job's working PCM (float32 interleaved).</summary>
    [Id(2)] public required string PcmKey { get; init; }

    /// <summary>Blob key prefix for this chunk's outputs (processed PCM and statistics).</summary>
    [Id(3)] public required string OutputKey { get; init; }
    [Id(4)] public long StartFrame { get; init; }
    [Id(5)] public int Frames { get; init; }

    /// <summary>Frames before the start read only to settle filter state (never written).</summary>
    [Id(6)] public int PreRollFrames { get; init; }
    [Id(7)] public int SampleRate { get; init; }
    [Id(8)] public int Channels { get; init; }
    [Id(9)] public double? HighPassHz { get; init; }
    [Id(10)] public IReadOnlyList<double> ChannelWeights { get; init; } = [];
    [Id(11)] public string CorrelationId { get; init; } = "";

    /// <summary>What to compute: the processed samples, or one of the analysis passes.</summary>
    [Id(12)] public ChunkPass Pass { get; init; } = ChunkPass.Process;

    /// <summary>The STFT stage (noise reduction, voice isolation); null when neither is asked for.</summary>
    [Id(13)] public GateSpec? Gate { get; init; }

    /// <summary>Frames of the whole working signal (the STFT pads with zeros only at its true ends).</summary>
    [Id(14)] public long TotalFrames { get; init; }

    /// <summary>Blob keys of the merged analysis results the process pass needs (stationary mode).</summary>
    [Id(15)] public string? SignalMaximaKey { get; init; }

    [Id(16)] public string? NoiseProfileKey { get; init; }

    /// <summary>Blob key of the noise source's merged maxima (its dB floor), for the noise pass.</summary>
    [Id(19)] public string? NoiseMaximaKey { get; init; }

    /// <summary>Frames of the noise clip within the input, for the analysis passes (null: the whole input is the noise source).</summary>
    [Id(17)] public long? NoiseClipStartFrame { get; init; }

    [Id(18)] public long? NoiseClipEndFrame { get; init; }

    /// <summary>Encode pass: the job's one linear gain, applied before encoding.</summary>
    [Id(20)] public double OutputGain { get; init; } = 1;

    /// <summary>Encode pass: frames of processed signal encoded before the chunk and after it (their packets are dropped).</summary>
    [Id(21)] public int EncodePreRollFrames { get; init; }

    [Id(22)] public int EncodePostRollFrames { get; init; }

    /// <summary>The plan's chunk length, so the encode pass can find the processed samples of the neighbours it reads.</summary>
    [Id(23)] public int PlanChunkFrames { get; init; }

    /// <summary>Encode pass: also decode the segment and measure its own stretch, as the output's report needs.</summary>
    [Id(24)] public bool MeasureEncoded { get; init; }
}

public enum ChunkPass
{
    Process = 0,

    /// <summary>Per-bin maximum power (the dB floor of the gate), of the signal and of the noise clip.</summary>
    Maxima = 1,

    /// <summary>Per-bin noise statistics of the noise clip (or the whole signal), floored with the merged maxima.</summary>
    Noise = 2,

    /// <summary>The processed samples of the chunk, with the job's gain, encoded to Opus with pre- and post-roll.</summary>
    Encode = 3,
}

/// <summary>The spectral stage of a job, as the chunks need it.</summary>
[GenerateSerializer, Immutable]
public sealed record GateSpec
{
    [Id(0)] public NoiseReduction Mode { get; init; }
    [Id(1)] public double Strength { get; init; } = 0.8;
    [Id(2)] public bool IsolateVoice { get; init; }

    /// <summary>Stereo working signal reduced to its mono centre (voice isolation with a mono output).</summary>
    [Id(3)] public bool CentreExtraction { get; init; }

    [Id(4)] public double ThresholdStd { get; init; } = 1.5;

    [Id(5)] public double FreqSmoothHz { get; init; } = 500;

    [Id(6)] public double TimeSmoothMs { get; init; } = 50;
}

/// <summary>What a chunk grain answers: small. The chunk's statistics and samples are in the blob store.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkOutcome
{
    [Id(0)] public int Index { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public double ElapsedSeconds { get; init; }

    /// <summary>True when the outputs were already there (a retried call) and nothing was recomputed.</summary>
    [Id(3)] public bool Reused { get; init; }
}
