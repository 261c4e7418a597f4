namespace AudioGrains.Grains.Jobs;

/// <summary>The layout of one job's blobs. Everything under <see cref="Work"/> is deleted when the job ends.</summary>
public static class JobBlobKeys
{
    public static string Root(string jobId) => $"jobs/{jobId}";

    public static string Input(string jobId) => $"jobs/{jobId}/input";

    public static string Work(string jobId) => $"jobs/{jobId}/work";

    public static string Pcm(string jobId) => $"jobs/{jobId}/work/pcm.f32";

    /// <summary>Key prefix of one chunk's outputs.</summary>
    public static string Chunk(string jobId, int index) => $"jobs/{jobId}/work/chunks/{index:D6}";

    public static string ChunkSamples(string chunkKey) => chunkKey + ".f32";

    /// <summary>The loudness statistics of a chunk or of an Opus segment, by its key prefix.</summary>
    public static string Statistics(string key) => key + ".stats";

    public static string ChunkMaxima(string chunkKey) => chunkKey + ".maxima";

    public static string ChunkNoise(string chunkKey) => chunkKey + ".noise";

    /// <summary>Key prefix of one Opus segment's outputs.</summary>
    public static string Segment(string jobId, int index) => $"jobs/{jobId}/work/segments/{index:D6}";

    /// <summary>An Opus segment's Ogg file, with its pre- and post-roll packets.</summary>
    public static string SegmentOpus(string segmentKey) => segmentKey + ".opus";

    /// <summary>An Opus segment's decoded frames around its seams (see SegmentMeasurement).</summary>
    public static string SegmentCheck(string segmentKey) => segmentKey + ".check";

    /// <summary>The separate noise recording, as uploaded and as working PCM.</summary>
    public static string NoiseInput(string jobId) => $"jobs/{jobId}/noise-input";

    public static string NoisePcm(string jobId) => $"jobs/{jobId}/work/noise.f32";

    /// <summary>Merged analysis results: the signal's per-bin maxima, the noise source's maxima and its profile.</summary>
    public static string SignalMaxima(string jobId) => $"jobs/{jobId}/work/signal.maxima";

    public static string NoiseMaxima(string jobId) => $"jobs/{jobId}/work/noise.maxima";

    public static string NoiseProfile(string jobId) => $"jobs/{jobId}/work/noise.profile";

    public static string Output(string jobId, string extension) => $"jobs/{jobId}/output{extension}";

    /// <summary>The input's short-term loudness, written by the decode, read when the job is assembled.</summary>
    public static string InputLoudness(string jobId) => $"jobs/{jobId}/work/input.loudness";

    /// <summary>The short-term loudness before and after (LoudnessSeries): kept with the output until the job expires.</summary>
    public static string LoudnessSeries(string jobId) => $"jobs/{jobId}/loudness.series";
}
