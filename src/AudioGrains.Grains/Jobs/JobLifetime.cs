using AudioGrains.Abstractions;
using AudioGrains.Grains.Uploads;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// A job's life around its work: when an ended job expires and when its expired record is forgotten, what a failure, a
/// cancel, expiry and delete remove (its blobs, its claim on its content, its registry entry), and the registry's
/// notices. The grain decides when (reminder, timer, a status call) and saves the state; this does the rest.
/// </summary>
public sealed class JobLifetime(string jobId, JobWorkspace workspace, IGrainFactory grains, TimeSpan resultTtl, TimeSpan recordRetention, ILogger logger)
{
    /// <summary>The phases that expire: the ended ones, except expired itself.</summary>
    public static bool Expires(JobPhase phase) => phase is JobPhase.Completed or JobPhase.Failed or JobPhase.Cancelled;

    /// <summary>Stamps the just-ended job's expiry: its end plus the TTL.</summary>
    public void SetExpiresAt(JobState s) => s.ExpiresAt = (s.CompletedAt ?? DateTimeOffset.UtcNow) + resultTtl;

    /// <summary>When the ended job expires, null while it runs or once expired. A job saved before jobs expired has no time of its own: its end plus the TTL.</summary>
    public DateTimeOffset? ExpiresAt(JobState s) => Expires(s.Phase) ? s.ExpiresAt ?? (s.CompletedAt ?? s.CreatedAt) + resultTtl : null;

    public bool IsDue(JobState s, DateTimeOffset now) => ExpiresAt(s) <= now;

    /// <summary>When the expired job's record is forgotten (its expiry plus the retention); null before it expires.</summary>
    public DateTimeOffset? ForgetAt(JobState s) => s.Phase == JobPhase.Expired ? (s.ExpiresAt ?? s.CompletedAt ?? s.CreatedAt) + recordRetention : null;

    /// <summary>The next step of the ended job's life: its expiry, then its forgetting; null while it runs.</summary>
    public DateTimeOffset? NextStepAt(JobState s) => ExpiresAt(s) ?? ForgetAt(s);

    /// <summary>Whether the ended job's next step is due: it expires, or its expired record is forgotten.</summary>
    public bool IsStepDue(JobState s, DateTimeOffset now) => NextStepAt(s) <= now;

    /// <summary>Stamps the job that has just completed: its end and its expiry; the caller saves it.</summary>
    public void StampCompletion(JobState s)
    {
        s.CompletedAt = DateTimeOffset.UtcNow;
        SetExpiresAt(s);
    }

    /// <summary>
    /// Ends the job as failed and stamps its expiry; the caller saves it. A failed job keeps nothing; a dead-lettered one
    /// keeps its input and finished work, so an operator's retry resumes where it stopped.
    /// </summary>
    public async Task FailAsync(JobState s, string code, string message, bool deadLetter)
    {
        s.MarkFailed(code, message, deadLetter, DateTimeOffset.UtcNow);
        SetExpiresAt(s);
        if (!deadLetter) await workspace.DeleteAllAsync();
    }

    /// <summary>Ends the job as cancelled, stamps its expiry and deletes every blob of the job; the caller saves it.</summary>
    public async Task CancelAsync(JobState s)
    {
        s.MarkCancelled(DateTimeOffset.UtcNow);
        SetExpiresAt(s);
        await workspace.DeleteAllAsync();
    }

    /// <summary>
    /// Deletes every blob of the job and marks it expired; the caller saves it. The blobs go first: when the save
    /// fails, the saved job is still due and expires again.
    /// </summary>
    public async Task ExpireAsync(JobState s)
    {
        var at = ExpiresAt(s);
        await workspace.DeleteAllAsync();
        s.ExpiresAt = at;
        s.MarkExpired();
    }

    /// <summary>
    /// Deletes every blob of the job, releases its claim on its content (so the same content starts a new job at once)
    /// and unlists it; the caller then clears the state. A delete and the forgetting of an expired record both end here. Each step is idempotent, and the state goes last: a delete
    /// that failed midway is simply done again.
    /// </summary>
    public async Task DeleteAsync(JobState s)
    {
        await workspace.DeleteAllAsync();
        if (s.Spec is { InputSha256: { } sha256 } spec)
            await grains.GetGrain<IJobIndexGrain>(JobIndexGrain.KeyFor(sha256, spec.Options, spec.CallbackUrl)).ReleaseAsync(jobId);
        await TellRegistryAsync(r => r.JobDeletedAsync(jobId), "deleted");
    }

    public Task TellStartedAsync(DateTimeOffset createdAt) => TellRegistryAsync(r => r.JobStartedAsync(jobId, createdAt), "started");

    public Task TellEndedAsync() => TellRegistryAsync(r => r.JobEndedAsync(jobId), "ended");

    /// <summary>A notice the registry misses never fails the job: the registry checks its active jobs again and unlists jobs that are gone.</summary>
    private async Task TellRegistryAsync(Func<IJobRegistryGrain, Task> notice, string what)
    {
        try
        {
            await notice(JobRegistry.Of(grains));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} could not tell the registry that it {Event}; the registry checks its jobs again later", jobId, what);
        }
    }
}
