using AudioGrains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// The job grain's lifetime calls: an operator's retry brings a dead-lettered job back, an ended job expires after the
/// TTL and its expired record is forgotten after the retention (each by a reminder, a timer for the exact time, and a
/// check whenever it is asked), and a delete forgets the job at once. What they remove is <see cref="JobLifetime"/>'s.
/// </summary>
public sealed partial class JobGrain
{
    /// <summary>
    /// Due at the ended job's next step, its expiry and then its forgetting (it survives the silo); it fires again this
    /// much later only if a step failed.
    /// </summary>
    private const string ExpiryReminder = "job-expiry";
    private static readonly TimeSpan ExpiryRetryPeriod = TimeSpan.FromMinutes(10);

    /// <summary>A step due within this has a grain timer too: reminders fire late by up to their service's refresh, and have a minimum period.</summary>
    private static readonly TimeSpan ExpiryTimerHorizon = TimeSpan.FromHours(1);

    /// <summary>Reminders take due times below about 49 days; a later step is re-aimed when this one fires.</summary>
    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(30);

    /// <summary>Expiry, delete and retry one at a time: expiry interleaves (it runs from a status call).</summary>
    private readonly SemaphoreSlim _lifetimeLock = new(1, 1);
    private IGrainTimer? _expiryTimer;

    private JobLifetime Lifetime => new(JobId, Workspace, GrainFactory, options.Value.ResultTtl, options.Value.ExpiredRecordRetention, logger);

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
            await UnregisterPulseAsync();
            await ForgetRecordAsync();
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
            observer.PhaseChanged(JobId, from, JobPhase.Expired);
            logger.LogInformation("Job {JobId} expired: its blobs are deleted; its record is forgotten at {ForgetAt}", JobId, Lifetime.ForgetAt(S));
            await ScheduleNextStepAsync();
            return true;
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    /// <summary>Forgets the expired job whose retention has passed: from then on it is unknown. True when it was forgotten now.</summary>
    private async Task<bool> ForgetIfDueAsync()
    {
        await _lifetimeLock.WaitAsync();
        try
        {
            if (!Exists || Lifetime.ForgetAt(S) is not { } at || at > DateTimeOffset.UtcNow) return false;
            var expiredAt = S.ExpiresAt;
            await ForgetRecordAsync();
            logger.LogInformation("Job {JobId} forgotten: it expired at {ExpiresAt}, and its record was kept until {ForgetAt}", JobId, expiredAt, at);
            return true;
        }
        finally
        {
            _lifetimeLock.Release();
        }
    }

    /// <summary>What a delete and the forgetting of an expired record share: nothing of the job is left, in the blob store or in grain storage.</summary>
    private async Task ForgetRecordAsync()
    {
        var last = Status();
        await Lifetime.DeleteAsync(S);
        await StopExpiryAsync();
        await Saved.ClearAsync();
        observer.Forgotten(last);
    }

    /// <summary>
    /// The saved job has ended: its expiry is scheduled and the registry told. A reminder that cannot be registered
    /// does not undo the end: the next status call or the registry's cleanup expires the job.
    /// </summary>
    private async Task EndedAsync()
    {
        observer.Ended(Status(), S.DeadLettered);
        await ScheduleNextStepAsync();
        await Lifetime.TellEndedAsync();
    }

    /// <summary>
    /// Aims the reminder and the timer at the ended job's next step (its expiry, or its forgetting). A reminder that
    /// cannot be registered does not undo the step before: the next status call or the registry's cleanup takes it.
    /// </summary>
    private async Task ScheduleNextStepAsync()
    {
        try
        {
            if (Lifetime.NextStepAt(S) is { } at)
                await this.RegisterOrUpdateReminder(ExpiryReminder, Clamp(at - DateTimeOffset.UtcNow, TimeSpan.Zero, MaxReminderDue), ExpiryRetryPeriod);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} could not register its expiry reminder; it takes its next step ({Phase}) when asked after {At}",
                JobId, S.Phase, Lifetime.NextStepAt(S));
        }
        StartExpiryTimer();
    }

    private void StartExpiryTimer()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (Lifetime.NextStepAt(S) is not { } at || at - DateTimeOffset.UtcNow > ExpiryTimerHorizon) return;
        _expiryTimer = this.RegisterGrainTimer(static (job, _) => job.StepSafelyAsync(), this,
            new GrainTimerCreationOptions(Max(at - DateTimeOffset.UtcNow, TimeSpan.Zero), Timeout.InfiniteTimeSpan));
    }

    private async Task StopExpiryAsync()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        await UnregisterReminderAsync(ExpiryReminder);
    }

    /// <summary>
    /// The ended job's due steps from a timer or a status call: its expiry, then (its retention past too) its
    /// forgetting. When one fails (the store down), the reminder or the next call tries again.
    /// </summary>
    private async Task StepSafelyAsync()
    {
        try
        {
            await StepAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {JobId} could not {Step}; it is tried again later", JobId, S.Phase == JobPhase.Expired ? "be forgotten" : "expire");
        }
    }

    private async Task StepAsync()
    {
        await ExpireIfDueAsync();
        await ForgetIfDueAsync();
    }

    private async Task ReceiveExpiryReminderAsync()
    {
        // Gone, or running again after a retry: this reminder has nothing more to do.
        if (!Exists || Lifetime.NextStepAt(S) is not { } at) await UnregisterReminderAsync(ExpiryReminder);
        else if (at <= DateTimeOffset.UtcNow) await StepAsync();
        // A step beyond the reminder's longest due time: aimed again from here.
        else if (at - DateTimeOffset.UtcNow > ExpiryRetryPeriod) await ScheduleNextStepAsync();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private async Task UnregisterReminderAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
