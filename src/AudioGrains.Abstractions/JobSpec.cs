namespace AudioGrains.Abstractions;

/// <summary>Everything a job needs to run: where its ingested input is and what to do with it.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec
{
    /// <summary>Blob key of the ingested input.</summary>
    [Id(0)] public required string InputKey { get; init; }

    /// <summary>The name the user gave the input (for messages and the download name).</summary>
    [Id(1)] public required string FileName { get; init; }

    [Id(2)] public long InputBytes { get; init; }

    [Id(3)] public string? InputSha256 { get; init; }

    [Id(4)] public NormalizeOptions Options { get; init; } = new();

    /// <summary>Shared by every log line of the job, across silos and retries.</summary>
    [Id(5)] public string CorrelationId { get; init; } = "";

    /// <summary>Where the job's JSON is POSTed when it completes or fails, or null.</summary>
    [Id(6)] public string? CallbackUrl { get; init; }
}
