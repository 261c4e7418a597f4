using Orleans.Concurrency;

namespace AudioGrains.Abstractions;

/// <summary>One normalization job, keyed by job id. Every method is idempotent.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job, or returns its status if it was already started.</summary>
    Task<JobStatus> StartAsync(JobSpec spec);

    [AlwaysInterleave]
    Task<JobStatus> GetStatusAsync();

    /// <summary>Stops a running job and deletes what it produced; no effect on a finished job.</summary>
    Task<JobStatus> CancelAsync();

    /// <summary>Re-runs a failed (dead-lettered) job from its last completed step.</summary>
    Task<JobStatus> RetryAsync();

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
