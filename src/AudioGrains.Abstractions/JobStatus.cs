namespace AudioGrains.Abstractions;

/// <summary>A cheap snapshot of a job, safe to poll.</summary>
[GenerateSerializer, Immutable]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobPhase Phase { get; init; }
    [Id(2)] public int Progress { get; init; }
    /// <summary>Chunks of the job (units of processing) and how many the current chunk pass has done (all, once processed).</summary>
    [Id(3)] public int ChunksTotal { get; init; }
    [Id(4)] public int ChunksCompleted { get; init; }
    [Id(5)] public string? ErrorCode { get; init; }
    [Id(6)] public string? ErrorMessage { get; init; }
    [Id(7)] public JobReport? Report { get; init; }
    [Id(8)] public DateTimeOffset? CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset? CompletedAt { get; init; }
    [Id(10)] public string? OutputKey { get; init; }
    [Id(11)] public string? FileName { get; init; }

    /// <summary>Silo that hosts the job right now, with its process id (for operators and crash tests).</summary>
    [Id(12)] public string? Host { get; init; }
    [Id(13)] public int Attempts { get; init; }
    [Id(14)] public bool Exists { get; init; } = true;
    [Id(15)] public NormalizeOptions? Options { get; init; }

    /// <summary>Opus output: segments of the output encoded in parallel (0 for other formats).</summary>
    [Id(16)] public int SegmentsTotal { get; init; }

    [Id(17)] public int SegmentsCompleted { get; init; }

    /// <summary>SHA-256 of the input the cluster received (hex), to check an upload against the file sent.</summary>
    [Id(18)] public string? InputSha256 { get; init; }

    /// <summary>The input's size as received, bytes.</summary>
    [Id(19)] public long InputBytes { get; init; }

    /// <summary>The output's size, bytes, once the job completed.</summary>
    [Id(20)] public long? OutputBytes { get; init; }

    /// <summary>When a finished job's result and input are deleted (the job then answers <see cref="JobPhase.Expired"/>).</summary>
    [Id(21)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where the job's JSON is POSTed when it completes or fails (null: nowhere).</summary>
    [Id(22)] public string? CallbackUrl { get; init; }

    public bool IsTerminal => Phase.IsTerminal();
}
