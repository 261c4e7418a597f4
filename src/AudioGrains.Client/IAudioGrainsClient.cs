using AudioGrains.Abstractions;

namespace AudioGrains.Client;

/// <summary>
/// Runs normalization jobs on an AudioGrains cluster from another .NET service. The client needs only the cluster's
/// address: files go in and come out through the cluster, in blocks. Every call takes a cancellation token; transient
/// failures (a silo lost mid-call) are retried a bounded number of times; errors about the job or the request come as
/// <see cref="AudioGrainsException"/> with a stable <see cref="AudioGrainsException.Code"/> (see <see cref="ErrorCodes"/>).
/// </summary>
public interface IAudioGrainsClient
{
    /// <summary>
    /// Uploads <paramref name="input"/> (read once, forward, in blocks: any length, flat memory) and starts a job.
    /// With an <paramref name="idempotencyKey"/>, the same key gives the same job: a submission that failed midway
    /// (a dropped connection) resumes, sending only the blocks the cluster lacks, and a repeated one returns the job.
    /// The same content with the same options as a job that still lives joins that job (without a noise recording).
    /// </summary>
    /// <param name="input">The file's content, read forward once.</param>
    /// <param name="fileName">Its name, for messages and the download name (no path is kept).</param>
    /// <param name="options">What the job does; <see cref="NormalizeOptions.Default"/> for the defaults.</param>
    /// <param name="noise">A separate recording of the noise (at most a minute), for stationary noise reduction.</param>
    /// <param name="idempotencyKey">Names the request: the same key gives the same job.</param>
    /// <param name="ct">Stops the upload (it can resume with the same key).</param>
    /// <returns>The job's id (that of an earlier job when the same content with the same options is still there).</returns>
    Task<string> SubmitAsync(Stream input, string fileName, NormalizeOptions options, Stream? noise = null, string? idempotencyKey = null,
        CancellationToken ct = default);

    /// <summary>The job as it is now; <see cref="JobStatus.Exists"/> is false for an unknown id.</summary>
    Task<JobStatus> GetStatusAsync(string jobId, CancellationToken ct = default);

    /// <summary>
    /// The job's status each time it changes (phase, progress, counts), ending with its terminal status. A poll that
    /// fails because the cluster cannot be reached (a silo lost or restarting) is tried again, up to
    /// <see cref="AudioGrainsClient.MaxFailedPolls"/> polls in a row, before its error is thrown.
    /// </summary>
    IAsyncEnumerable<JobStatus> WatchAsync(string jobId, TimeSpan? pollInterval = null, CancellationToken ct = default);

    /// <summary>
    /// Writes a completed job's output to <paramref name="destination"/>, in blocks. Fails with not-found for an unknown
    /// job, not-ready while the job has no output (it runs, failed or was cancelled), expired once its result was deleted.
    /// </summary>
    Task DownloadAsync(string jobId, Stream destination, CancellationToken ct = default);

    /// <summary>Stops a running job and deletes what it produced; no effect on a finished job.</summary>
    Task<JobStatus> CancelAsync(string jobId, CancellationToken ct = default);

    /// <summary>Re-runs a dead-lettered job from the phase that failed.</summary>
    Task<JobStatus> RetryAsync(string jobId, CancellationToken ct = default);

    /// <summary>
    /// Deletes the job: stops it if it runs, deletes its input, output and working data, and forgets it (its status
    /// then has <see cref="JobStatus.Exists"/> false; the same content may be submitted again as a new job). No effect
    /// on an unknown id.
    /// </summary>
    Task DeleteAsync(string jobId, CancellationToken ct = default);

    /// <summary>
    /// The newest jobs, newest first, at most <paramref name="limit"/>, from the cluster's job list (which keeps a
    /// bounded number of the newest); jobs deleted meanwhile are left out.
    /// </summary>
    Task<IReadOnlyList<JobStatus>> ListAsync(int limit, CancellationToken ct = default);
}
