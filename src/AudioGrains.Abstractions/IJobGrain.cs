using Orleans.Concurrency;

namespace AudioGrains.Abstractions;

/// <summary>One normalization job, keyed by job id. Every method is idempotent.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job, or returns its status if it was already started.</summary>
    Task<JobStatus> StartAsync(JobSpec spec);

    /// <summary>The job as last saved; a job past its expiry time expires first.</summary>
    [AlwaysInterleave]
    Task<JobStatus> GetStatusAsync();

    /// <summary>Stops a running job and deletes what it produced; no effect on a finished job.</summary>
    Task<JobStatus> CancelAsync();

    /// <summary>Re-runs a failed (dead-lettered) job from its last completed step.</summary>
    Task<JobStatus> RetryAsync();

    /// <summary>
    /// Stops the job if it runs (as <see cref="CancelAsync"/> does), deletes all its blobs, releases its claim on its
    /// content (the same content may then be submitted as a new job), unlists it and forgets it: it then reports
    /// <see cref="JobStatus.Exists"/> false. No effect on a job that does not exist.
    /// </summary>
    Task DeleteAsync();

    /// <summary>Expires the job if it has ended and its expiry time has passed; true when this call expired it.</summary>
    [AlwaysInterleave]
    Task<bool> ExpireIfDueAsync();

    /// <summary>
    /// Up to <paramref name="count"/> bytes of a completed job's output from <paramref name="offset"/> (empty at its end).
    /// Fails with not-found while there is no output.
    /// </summary>
    [AlwaysInterleave]
    Task<byte[]> ReadOutputAsync(long offset, int count, CancellationToken ct = default);

    /// <summary>A completed job's short-term loudness before and after, from its chunks' statistics. Fails with not-found while there is none.</summary>
    [AlwaysInterleave]
    Task<LoudnessSeries> GetLoudnessSeriesAsync(CancellationToken ct = default);
}
