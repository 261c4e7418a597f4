using AudioGrains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The job grain's lifetime calls: an operator's retry brings a dead-lettered job back, an ended job expires after the
/// TTL (a reminder, a timer for the exact time, and a check whenever it is asked), and a delete forgets the job. What
/// they remove is <see cref="JobLifetime"/>'s.
/// </summary>
public sealed partial class JobGrain
{
    /// <summary>Due when the ended job expires (it survives the silo); it fires again this much later only if an expiry failed.</summary>
    private const string ExpiryReminder = "job-expiry";
    private static readonly TimeSpan ExpiryRetryPeriod = TimeSpan.FromMinutes(10);

    /// <summary>An expiry due within this has a grain timer too: reminders fire late by up to their service's refresh, and have a minimum period.</summary>
    private static readonly TimeSpan ExpiryTimerHorizon = TimeSpan.FromHours(1);

    /// <summary>Expiry, delete and retry one at a time: expiry interleaves (it runs from a status call).</summary>
    private readonly SemaphoreSlim _lifetimeLock = new(1, 1);
    private IGrainTimer? _expiryTimer;

    private JobLifetime Lifetime => new(JobId, Workspace, GrainFactory, options.Value.ResultTtl, logger);

    public async Task<JobStatus> RetryAsync()
    {
        await _lifetimeLock.WaitAsync();
        try
        {
            if (!Exists || S.Phase != JobPhase.Failed || !S.DeadLettered) return Status();
            var to = JobTransitions.ResumeAfterRetry(S.FailedIn, S.Layout is not null && await Workspace.HasWorkingPcmAsync());
            JobTransitions.Enter(S, to);
            S.ClearFailure();
            await WriteAsync();
            await this.RegisterOrUpdateReminder(PulseReminder, PulsePeriod, PulsePeriod);
            await StopExpiryAsync();
            await Lifetime.TellStartedAsync(S.CreatedAt);
            observer.PhaseChanged(JobId, JobPhase.Failed, to);
            logger.LogInformation("Job {JobId} retried by an operator from phase {Phase}", JobId, S.Phase);
            StartLoop();
            return Status();
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    public async Task DeleteAsync()
    {
        await _lifetimeLock.WaitAsync();
        try
        {
            if (!Exists) return;
            // As in a cancel: the loop's passes wait for their chunk calls to stop, so nothing of theirs outlives the delete.
            await StopLoopAsync();
            await Lifetime.DeleteAsync(S);
            await UnregisterPulseAsync();
            await StopExpiryAsync();
            await Saved.ClearAsync();
            StartSweep();
            logger.LogInformation("Job {JobId} deleted", JobId);
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    public async Task<bool> ExpireIfDueAsync()
    {
        await _lifetimeLock.WaitAsync();
        try
        {
            if (!Exists || !Lifetime.IsDue(S, DateTimeOffset.UtcNow)) return false;
            var from = S.Phase;
            await Lifetime.ExpireAsync(S);
            await WriteAsync();
            await StopExpiryAsync();
            observer.PhaseChanged(JobId, from, JobPhase.Expired);
            logger.LogInformation("Job {JobId} expired: its blobs are deleted", JobId);
            return true;
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    /// <summary>
    /// The saved job has ended: its expiry is scheduled and the registry told. A reminder that cannot be registered
    /// does not undo the end: the next status call or the registry's cleanup expires the job.
    /// </summary>
    private async Task EndedAsync()
    {
        observer.Ended(Status(), S.DeadLettered);
        try
        {
            if (Lifetime.ExpiresAt(S) is { } at)
                await this.RegisterOrUpdateReminder(ExpiryReminder, Max(at - DateTimeOffset.UtcNow, TimeSpan.Zero), ExpiryRetryPeriod);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} could not register its expiry reminder; it expires when asked after {ExpiresAt}", JobId, S.ExpiresAt);
        }
        StartExpiryTimer();
        await Lifetime.TellEndedAsync();
    }

    private void StartExpiryTimer()
    {
        if (Lifetime.ExpiresAt(S) is not { } at || at - DateTimeOffset.UtcNow > ExpiryTimerHorizon) return;
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(static (job, _) => job.ExpireSafelyAsync(), this,
            new GrainTimerCreationOptions(Max(at - DateTimeOffset.UtcNow, TimeSpan.Zero), Timeout.InfiniteTimeSpan));
    }

    private async Task StopExpiryAsync()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        await UnregisterReminderAsync(ExpiryReminder);
    }

    /// <summary>An expiry from a timer or a status call: when it fails (the store down), the reminder or the next call tries again.</summary>
    private async Task ExpireSafelyAsync()
    {
        try
        {
            await ExpireIfDueAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} could not expire; it is tried again later", JobId);
        }
    }

    private async Task ReceiveExpiryReminderAsync()
    {
        // Gone, or running again after a retry: this reminder has nothing more to do.
        if (!Exists || Lifetime.ExpiresAt(S) is null) await UnregisterReminderAsync(ExpiryReminder);
        else await ExpireIfDueAsync();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task UnregisterReminderAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
