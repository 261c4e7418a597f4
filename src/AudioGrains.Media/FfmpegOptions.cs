using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>How this layer runs ffmpeg and ffprobe: where they are and how long a run may take.</summary>
public sealed record FfmpegOptions
{
    /// <summary>Longest timeout this layer sets; CancellationTokenSource cannot wait much more than 24 days.</summary>
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(20);

    public string FfmpegPath { get; init; } = "ffmpeg";
    public string FfprobePath { get; init; } = "ffprobe";

    /// <summary>Every run may take at least this long, however short its media.</summary>
    public TimeSpan MinimumTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wall-clock seconds allowed per second of media (0.25 is 4x real time; ffmpeg decodes audio far faster).</summary>
    public double TimeoutSecondsPerMediaSecond { get; init; } = 0.25;

    /// <summary>Decoder threads per ffmpeg run. Audio decoders barely thread; the cluster's parallelism comes from chunks.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// libopus complexity, 0–10 (its own default is 10). Lower is faster: per hour of 16 kHz mono at 64 kbit/s on one
    /// core, about 15.5 s at 10, 11 s at 5, 8–10 s at 3, 7.5 s at 0 (docs/benchmarks.md).
    /// </summary>
    public int OpusComplexity { get; init; } = 10;

    /// <summary>Throws <see cref="AudioGrainsException"/> (invalid-options) naming the first bad value.</summary>
    public FfmpegOptions Validated()
    {
        Require(!string.IsNullOrWhiteSpace(FfmpegPath), "the ffmpeg path is empty");
        Require(!string.IsNullOrWhiteSpace(FfprobePath), "the ffprobe path is empty");
        Require(MinimumTimeout > TimeSpan.Zero && MinimumTimeout <= LongestTimeout, $"the minimum timeout {MinimumTimeout} is outside 0..{LongestTimeout.TotalDays} days");
        Require(double.IsFinite(TimeoutSecondsPerMediaSecond) && TimeoutSecondsPerMediaSecond is >= 0 and <= 3600, $"the timeout of {TimeoutSecondsPerMediaSecond} s per media second is outside 0..3600");
        Require(Threads is >= 1 and <= 64, $"the thread count {Threads} is outside 1..64");
        Require(OpusComplexity is >= 0 and <= 10, $"the Opus complexity {OpusComplexity} is outside 0..10");
        return this;
    }

    /// <summary>The timeout of a run over <paramref name="mediaSeconds"/> of media (a non-finite length counts as 0).</summary>
    public TimeSpan TimeoutFor(double mediaSeconds)
    {
        var scaled = double.IsFinite(mediaSeconds) && mediaSeconds > 0 ? TimeoutSecondsPerMediaSecond * mediaSeconds : 0;
        var timeout = scaled >= LongestTimeout.TotalSeconds ? LongestTimeout : TimeSpan.FromSeconds(scaled);
        return timeout > MinimumTimeout ? timeout : MinimumTimeout;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new AudioGrainsException(ErrorCodes.InvalidOptions, message);
    }
}
