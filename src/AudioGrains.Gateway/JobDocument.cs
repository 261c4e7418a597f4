using System.Text.Json;
using System.Text.Json.Serialization;
using AudioGrains.Abstractions;

namespace AudioGrains.Gateway;

/// <summary>
/// A job as the HTTP API shows it: the Python service's fields (its clients poll this shape), and the new ones. The
/// same document is the body of a completion callback.
/// </summary>
public sealed record JobDocument
{
    public required string Id { get; init; }

    /// <summary>queued, processing, completed, failed, cancelled or expired.</summary>
    public required string Status { get; init; }

    /// <summary>0-100.</summary>
    public int Progress { get; init; }

    public string? Filename { get; init; }
    public long FileSizeInput { get; init; }
    public long? FileSizeOutput { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? ErrorMessage { get; init; }
    public string? ErrorCode { get; init; }

    // The old service's flags.
    public bool RemoveNoise { get; init; }
    public bool ConvertToMono { get; init; }
    public bool ApplyHighpassFilter { get; init; }
    [JsonPropertyName("set_sample_rate_16k")] public bool SetSampleRate16k { get; init; }
    public bool IsolateVocals { get; init; }

    // New options.
    public bool NormalizeVolume { get; init; }
    public double TargetLufs { get; init; }
    public double TruePeak { get; init; }
    public required string OutputFormat { get; init; }

    /// <summary>off, stationary, nonstationary or speech.</summary>
    public required string Denoise { get; init; }

    /// <summary>The loudness before and after, once completed.</summary>
    public LoudnessDocument? Loudness { get; init; }

    public string? DownloadUrl { get; init; }

    /// <summary>The JSON the API writes: snake_case names, nulls kept (the old clients read every field).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The old API's status word for a phase: every running phase is "processing".</summary>
    public static string StatusOf(JobPhase phase) => phase switch
    {
        JobPhase.Queued => "queued",
        JobPhase.Completed => "completed",
        JobPhase.Failed => "failed",
        JobPhase.Cancelled => "cancelled",
        JobPhase.Expired => "expired",
        _ => "processing",
    };

    public static JobDocument From(JobStatus status)
    {
        var options = status.Options ?? NormalizeOptions.Default;
        return new JobDocument
        {
            Id = status.JobId,
            Status = StatusOf(status.Phase),
            Progress = status.Progress,
            Filename = status.FileName,
            FileSizeInput = status.InputBytes,
            FileSizeOutput = status.OutputBytes,
            CreatedAt = status.CreatedAt,
            CompletedAt = status.CompletedAt,
            ExpiresAt = status.ExpiresAt,
            ErrorMessage = status.ErrorMessage,
            ErrorCode = status.ErrorCode,
            RemoveNoise = options.Denoise != NoiseReduction.Off,
            ConvertToMono = options.Mono,
            ApplyHighpassFilter = options.HighPassHz is not null,
            SetSampleRate16k = options.SampleRate == 16000,
            IsolateVocals = options.IsolateVoice,
            NormalizeVolume = options.NormalizeVolume,
            TargetLufs = options.TargetLufs,
            TruePeak = options.TruePeakCeilingDbtp,
            OutputFormat = options.OutputFormat,
            Denoise = DenoiseName(options.Denoise),
            Loudness = status.Report is { } r ? LoudnessDocument.From(r) : null,
            DownloadUrl = status.Phase == JobPhase.Completed ? $"/jobs/{status.JobId}/download" : null,
        };
    }

    public static string DenoiseName(NoiseReduction mode) => mode switch
    {
        NoiseReduction.Stationary => "stationary",
        NoiseReduction.NonStationary => "nonstationary",
        NoiseReduction.Speech => "speech",
        _ => "off",
    };

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

/// <summary>The loudness report: the input and the output measured the same way (EBU R128), and the gain between.</summary>
public sealed record LoudnessDocument
{
    public required SignalLoudness Input { get; init; }
    public required SignalLoudness Output { get; init; }
    public double GainDb { get; init; }
    public bool PeakLimited { get; init; }
    public string? Note { get; init; }

    public static LoudnessDocument From(JobReport r) => new()
    {
        Input = SignalLoudness.From(r.Input),
        Output = SignalLoudness.From(r.Output),
        GainDb = r.GainDb,
        PeakLimited = r.PeakLimited,
        Note = r.Note,
    };
}

/// <summary>One signal's measurement; loudness is null for silence (JSON has no -infinity).</summary>
public sealed record SignalLoudness
{
    public double? IntegratedLufs { get; init; }
    public double? LoudnessRangeLu { get; init; }
    public double? TruePeakDbtp { get; init; }
    public double DurationSeconds { get; init; }
    public int SampleRate { get; init; }
    public int Channels { get; init; }

    public static SignalLoudness From(LoudnessReport l) => new()
    {
        IntegratedLufs = Finite(l.IntegratedLufs),
        LoudnessRangeLu = Finite(l.LoudnessRangeLu),
        TruePeakDbtp = Finite(l.TruePeakDbtp),
        DurationSeconds = l.DurationSeconds,
        SampleRate = l.SampleRate,
        Channels = l.Channels,
    };

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
}
