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
}
