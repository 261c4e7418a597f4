namespace AudioGrains.Abstractions;

/// <summary>What a user asks of one job. Defaults live here and nowhere else.</summary>
[GenerateSerializer, Immutable]
public sealed record NormalizeOptions
{
    public const double MinChunkSeconds = 1;
    public const double MaxChunkSeconds = 3600;

    /// <summary>Integrated loudness of the output, LUFS.</summary>
    [Id(0)] public double TargetLufs { get; init; } = -23;

    /// <summary>True-peak ceiling of the output, dBTP; the gain is capped to stay under it.</summary>
    [Id(1)] public double TruePeakCeilingDbtp { get; init; } = -1;

    /// <summary>Output sample rate; null keeps the input's rate.</summary>
    [Id(2)] public int? SampleRate { get; init; } = 16000;

    /// <summary>Downmix to mono; false keeps the input's channels.</summary>
    [Id(3)] public bool Mono { get; init; } = true;

    /// <summary>High-pass cutoff in Hz; null is off.</summary>
    [Id(4)] public double? HighPassHz { get; init; }

    /// <summary>Length of one unit of distributed work, seconds of audio.</summary>
    [Id(5)] public double ChunkSeconds { get; init; } = 30;

    /// <summary>Output format name: wav, wav16, flac, opus, webm, mp3.</summary>
    [Id(6)] public string OutputFormat { get; init; } = "webm";

    /// <summary>Apply the loudness gain; off keeps the level and only measures.</summary>
    [Id(7)] public bool NormalizeVolume { get; init; } = true;

    public static readonly IReadOnlyList<string> OutputFormats = ["wav", "wav16", "flac", "opus", "webm", "mp3"];

    /// <summary>Throws <see cref="AudioGrainsException"/> (invalid-options) naming the first bad value.</summary>
    public NormalizeOptions Validated()
    {
        Require(double.IsFinite(TargetLufs) && TargetLufs is >= -70 and <= -5, $"target loudness {TargetLufs} LUFS is outside -70..-5");
        Require(double.IsFinite(TruePeakCeilingDbtp) && TruePeakCeilingDbtp is >= -20 and <= 0, $"true-peak ceiling {TruePeakCeilingDbtp} dBTP is outside -20..0");
        Require(SampleRate is null or (>= 8000 and <= 192000), $"sample rate {SampleRate} Hz is outside 8000..192000");
        Require(HighPassHz is null || (double.IsFinite(HighPassHz.Value) && HighPassHz > 0 && HighPassHz <= 1000), $"high-pass cutoff {HighPassHz} Hz is outside 0..1000");
        Require(double.IsFinite(ChunkSeconds) && ChunkSeconds is >= MinChunkSeconds and <= MaxChunkSeconds, $"chunk length {ChunkSeconds} s is outside {MinChunkSeconds}..{MaxChunkSeconds}");
        Require(OutputFormats.Contains(OutputFormat), $"output format \"{OutputFormat}\" is not one of {string.Join(", ", OutputFormats)}");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new AudioGrainsException(ErrorCodes.InvalidOptions, message);
    }
}
