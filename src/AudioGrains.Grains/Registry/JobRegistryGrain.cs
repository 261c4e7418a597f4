using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AudioGrains.Grains.Registry;

/// <summary>
/// The cluster's job list (<see cref="IJobRegistryGrain"/>): the bookkeeping is <see cref="JobRegistryState"/>'s;
/// this grain persists it and asks the jobs for their statuses where an answer needs them. Reentrant: a job's notice
/// is answered while a sweep waits on jobs (one of which may be the job waiting on its notice); the state changes
/// between awaits only, and the writes go one at a time.
/// </summary>
[Reentrant]
public sealed class JobRegistryGrain(
    [PersistentState("registry", JobStorage.Name)] IPersistentState<JobRegistryState> state,
    IOptions<ProcessingOptions> options,
    ILogger<JobRegistryGrain> logger) : Grain, IJobRegistryGrain
{
    /// <summary>Job calls in flight at once when the registry asks its jobs.</summary>
    private const int CallsInFlight = 16;

    /// <summary>Active jobs checked per stale count: the count stays cheap; a few counts clear a large stale set.</summary>
    private const int ActiveChecksPerCount = 100;

    /// <summary>Calls interleave: one write at a time.</summary>
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private DateTimeOffset _activeCheckedAt = DateTimeOffset.MinValue;

    private JobRegistryState S => state.State;

    public async Task JobStartedAsync(string jobId, DateTimeOffset createdAt)
    {
        var before = S.Active.Count;
        if (S.Record(jobId, createdAt, options.Value.MaxListedJobs)) await WriteAsync();
        // The job now counts as active: the place its submission held is given back.
        if (S.Active.Count > before && _admitted.Count > 0) _admitted.Dequeue();
    }

    /// <summary>When each admitted submission was admitted (not persisted: a place is held for seconds, not across restarts).</summary>
    private readonly Queue<DateTimeOffset> _admitted = new();

    public async Task<bool> TryAdmitAsync(int limit, TimeSpan hold)
    {
        var active = await ActiveCountAsync();
        // From here to the end there is no await: the check and the hold are one step, whatever the reentrancy.
        var now = DateTimeOffset.UtcNow;
        while (_admitted.Count > 0 && now - _admitted.Peek() > hold) _admitted.Dequeue();
        if (active + _admitted.Count >= limit) return false;
        _admitted.Enqueue(now);
        return true;
    }

    public Task ReleaseAdmissionAsync()
    {
        if (_admitted.Count > 0) _admitted.Dequeue();
        return Task.CompletedTask;
    }

    public async Task JobEndedAsync(string jobId)
    {
        if (S.End(jobId)) await WriteAsync();
    }

    public async Task JobDeletedAsync(string jobId)
    {
        if (S.Remove(jobId)) await WriteAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync(int limit) => Task.FromResult(S.Newest(limit));

    public async Task<JobStats> StatsAsync()
    {
        var statuses = (await AskAsync(S.Newest(int.MaxValue), job => job.GetStatusAsync())).Select(a => a.Answer).ToList();
        // The listed jobs' answers check the active set too.
        if (S.Checked(statuses)) await WriteAsync();
        return JobStats.Count(statuses, await ActiveCountAsync());
    }

    public async Task<int> ActiveCountAsync()
    {
        var now = DateTimeOffset.UtcNow;
        if (S.Active.Count > 0 && now - _activeCheckedAt >= options.Value.ActiveJobsRecheck)
        {
            _activeCheckedAt = now;
            var statuses = await AskAsync(S.ActiveToCheck(ActiveChecksPerCount), job => job.GetStatusAsync());
            var before = S.Active.Count;
            if (S.Checked(statuses.Select(a => a.Answer))) await WriteAsync();
            if (S.Active.Count < before)
                logger.LogInformation("Job registry: {JobCount} jobs counted active had ended or were gone", before - S.Active.Count);
        }
        return S.Active.Count;
    }

    public async Task<JobCleanup> CleanupAsync()
    {
        var outcomes = await AskAsync(S.Newest(int.MaxValue), async job =>
            await job.ExpireIfDueAsync() ? (Expired: true, Gone: false) : (Expired: false, Gone: !(await job.GetStatusAsync()).Exists));
        var removed = outcomes.Where(o => o.Answer.Gone).Count(o => S.Remove(o.JobId));
        if (removed > 0) await WriteAsync();
        var cleanup = new JobCleanup { Expired = outcomes.Count(o => o.Answer.Expired), Removed = removed };
        logger.LogInformation("Job registry cleanup: {Expired} jobs expired, {Removed} gone jobs unlisted", cleanup.Expired, cleanup.Removed);
        return cleanup;
    }

    public async Task<int> ResumeActiveAsync()
    {
        var active = S.Active.ToList();
        // Any call activates the job; its activation restarts its loop from the saved state (JobGrain.OnActivateAsync).
        var statuses = await AskAsync(active, job => job.GetStatusAsync());
        if (S.Checked(statuses.Select(a => a.Answer))) await WriteAsync();
        var running = statuses.Count(a => a.Answer.Exists && !a.Answer.IsTerminal);
        logger.LogInformation("Job registry: {Running} of {Active} active jobs called after a silo died", running, active.Count);
        return running;
    }

    /// <summary>
    /// Asks each job, <see cref="CallsInFlight"/> at a time, on this grain's scheduler. A job that cannot answer is
    /// left out (logged): one broken job must not break a listing or a sweep.
    /// </summary>
    private async Task<List<(string JobId, T Answer)>> AskAsync<T>(IReadOnlyList<string> jobIds, Func<IJobGrain, Task<T>> ask)
    {
        var answers = new List<(string, T)>(jobIds.Count);
        foreach (var batch in jobIds.Chunk(CallsInFlight))
        {
            var calls = batch.Select(id => (Id: id, Call: ask(GrainFactory.GetGrain<IJobGrain>(id)))).ToList();
            foreach (var (id, call) in calls)
            {
                try
                {
                    answers.Add((id, await call));
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Job registry: job {JobId} did not answer", id);
                }
            }
        }
        return answers;
    }

    private async Task WriteAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
