namespace AudioGrains.Abstractions;

/// <summary>
/// An upload into the cluster, keyed by the job id it becomes: the client sends the file in blocks, each with its
/// offset. A block already stored is accepted again as a no-op, so an upload dropped midway resumes with the blocks
/// that are missing (<see cref="GetReceivedAsync"/> says how far it got). Completing it starts the job.
/// </summary>
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores one block; returns how many bytes from the start are now stored without a gap. The block is not copied
    /// on the way (<see cref="ImmutableAttribute"/>): the caller must not change it until the call has returned, and
    /// after a call that failed or timed out, not at all (its message may still be waiting to be sent).
    /// </summary>
    Task<long> WriteBlockAsync(UploadTarget target, long offset, [Immutable] byte[] data, CancellationToken ct = default);

    /// <summary>How many bytes from the start are stored without a gap.</summary>
    Task<long> GetReceivedAsync(UploadTarget target, CancellationToken ct = default);

    /// <summary>
    /// Joins the blocks of the input (and of the noise recording, when sent) into the job's input, checking the size
    /// limit and hashing it, and starts the job. Idempotent: a second call returns the job's status.
    /// </summary>
    Task<JobStatus> CompleteAsync(JobRequest request, CancellationToken ct = default);

    /// <summary>Deletes every block sent so far: an upload given up (refused, or its client went away) leaves nothing behind.</summary>
    Task AbandonAsync(CancellationToken ct = default);
}

/// <summary>Which file of a job an upload block belongs to.</summary>
public enum UploadTarget
{
    Input = 0,

    /// <summary>A separate recording of the noise, for stationary noise reduction.</summary>
    Noise = 1,
}

/// <summary>What a client asks of a job: no storage keys, no silo addresses.</summary>
[GenerateSerializer, Immutable]
public sealed record JobRequest
{
    /// <summary>The name the user gave the input (for messages and the download name).</summary>
    [Id(0)] public required string FileName { get; init; }

    /// <summary>The input's length in bytes: the upload is complete when this many are stored.</summary>
    [Id(1)] public required long InputBytes { get; init; }

    [Id(2)] public NormalizeOptions Options { get; init; } = NormalizeOptions.Default;

    /// <summary>The noise recording's length when one was uploaded (stationary noise reduction), else null.</summary>
    [Id(3)] public long? NoiseBytes { get; init; }

    /// <summary>Shared by every log line of the job, across silos and retries.</summary>
    [Id(4)] public string CorrelationId { get; init; } = "";

    /// <summary>Where the job's JSON is POSTed when it completes or fails (an absolute http(s) URL), or null.</summary>
    [Id(5)] public string? CallbackUrl { get; init; }

    /// <summary>
    /// The input's SHA-256 (hex) as the client read it, or null. When set, an upload whose stored blocks join into other
    /// bytes (a resume with the same key but another file kept the first file's blocks) is refused as a conflict.
    /// </summary>
    [Id(6)] public string? InputSha256 { get; init; }
}
