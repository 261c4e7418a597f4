using AudioGrains.Abstractions;
using Orleans;

namespace AudioGrains.Client;

/// <summary>
/// What another .NET service needs to run jobs on an AudioGrains cluster: start, watch, cancel.
/// Every call is idempotent, so a caller can retry any of them after a timeout.
/// </summary>
public sealed class AudioGrainsClient(IClusterClient cluster)
{
    public Task<JobStatus> StartAsync(string jobId, JobSpec spec) => Job(jobId).StartAsync(spec);

    public Task<JobStatus> GetStatusAsync(string jobId) => Job(jobId).GetStatusAsync();

    public Task<JobStatus> CancelAsync(string jobId) => Job(jobId).CancelAsync();

    public Task<JobStatus> RetryAsync(string jobId) => Job(jobId).RetryAsync();

    /// <summary>
    /// Polls until the job ends. A poll that fails (the silo hosting the job died and the cluster has not noticed yet,
    /// or the job's state could not be read while it moved: the cluster may answer with an error type this process
    /// cannot even load) is tried again, up to <see cref="MaxFailedPolls"/> in a row: the job itself survives them.
    /// </summary>
    public async Task<JobStatus> WaitAsync(string jobId, IProgress<JobStatus>? progress = null, TimeSpan? pollInterval = null,
        CancellationToken ct = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        var failed = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            JobStatus? status = null;
            try
            {
                status = await Job(jobId).GetStatusAsync().WaitAsync(ct).ConfigureAwait(false);
                failed = 0;
            }
            catch (Exception e) when (e is not (OperationCanceledException or AudioGrainsException) && ++failed < MaxFailedPolls)
            {
            }
            if (status is not null)
            {
                progress?.Report(status);
                if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {jobId} does not exist");
                if (status.IsTerminal) return status;
            }
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Polls that may fail in a row before <see cref="WaitAsync"/> gives up and throws the last error.</summary>
    public const int MaxFailedPolls = 240;

    private IJobGrain Job(string jobId) => cluster.GetGrain<IJobGrain>(jobId);
}
