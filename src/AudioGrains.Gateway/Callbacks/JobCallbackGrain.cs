using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// Delivers one job's outcome to its callback URL: the message is fixed and saved when the job ends, then tried until
/// a 2xx, a refusal or the last try, each result saved, so a restart neither loses nor resends a delivery. A grain
/// timer waits out the short delays; a reminder, held while a delivery is pending, brings the grain back on another
/// silo if this one dies. The sending itself is <see cref="CallbackSender"/>'s.
/// </summary>
public sealed class JobCallbackGrain(
    [PersistentState("callback", JobStorage.Name)] IPersistentState<CallbackState> state,
    CallbackSender sender,
    IOptions<GatewayOptions> options,
    ILogger<JobCallbackGrain> logger) : Grain, IJobCallbackGrain, IRemindable
{
    private const string SafetyNet = "callback-pending";
    private static readonly TimeSpan SafetyNetPeriod = TimeSpan.FromMinutes(1);

    private IGrainTimer? _nextTry;

    private CallbackState S => state.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Status == CallbackDeliveryStatus.Pending) ScheduleNextTry();
        return Task.CompletedTask;
    }

    public async Task RequestAsync()
    {
        var job = await GrainFactory.GetGrain<IJobGrain>(JobId).GetStatusAsync();
        if (!job.Exists || job.Phase is not (JobPhase.Completed or JobPhase.Failed) || string.IsNullOrEmpty(job.CallbackUrl))
        {
            if (S.Status != CallbackDeliveryStatus.Pending) DeactivateOnIdle();
            return;
        }
        var occasion = $"{job.Phase}@{job.CompletedAt:O}";
        if (S.Occasion == occasion)
        {
            if (S.Status == CallbackDeliveryStatus.Pending && _nextTry is null) ScheduleNextTry();
            return;
        }

        var message = new CallbackMessage
        {
            JobId = JobId,
            DeliveryId = Guid.NewGuid().ToString("N"),
            Url = job.CallbackUrl,
            Body = JobDocument.From(job).ToUtf8Json(),
        };
        state.State = new CallbackState
        {
            Occasion = occasion,
            Message = message,
            Status = CallbackDeliveryStatus.Pending,
            NextAttemptAt = DateTimeOffset.UtcNow,
        };
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(SafetyNet, SafetyNetPeriod, SafetyNetPeriod);
        logger.LogInformation("Job {JobId} callback {DeliveryId} pending: {Phase}, {BodyBytes} bytes", JobId, message.DeliveryId, job.Phase, message.Body.Length);
        ScheduleNextTry();
    }

    public Task<CallbackDelivery> GetDeliveryAsync() => Task.FromResult(S.Snapshot());

    public async Task ForgetAsync()
    {
        _nextTry?.Dispose();
        _nextTry = null;
        if (S.Message is not null || S.Status == CallbackDeliveryStatus.Pending)
        {
            await state.ClearStateAsync();
            await UnregisterSafetyNetAsync();
            logger.LogInformation("Job {JobId} callback forgotten with its job (deleted, or its expired record forgotten)", JobId);
        }
        DeactivateOnIdle();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SafetyNet) return;
        if (S.Status != CallbackDeliveryStatus.Pending) await UnregisterSafetyNetAsync();
        else if (_nextTry is null) ScheduleNextTry();
    }

    private void ScheduleNextTry()
    {
        _nextTry?.Dispose();
        var due = S.NextAttemptAt is { } at ? at - DateTimeOffset.UtcNow : TimeSpan.Zero;
        _nextTry = this.RegisterGrainTimer(static (grain, ct) => grain.TryOnceAsync(ct), this,
            new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task TryOnceAsync(CancellationToken ct)
    {
        // Disposed once this try is over: disposing a timer cancels the token of its running callback.
        using var firing = _nextTry;
        _nextTry = null;
        if (S.Status != CallbackDeliveryStatus.Pending || S.Message is not { } message) return;

        var attempt = S.Attempts + 1;
        var result = await sender.SendAsync(message, attempt, ct);
        var gateway = options.Value;
        S.Attempts = attempt;
        S.LastResult = result.Detail;
        var now = DateTimeOffset.UtcNow;
        if (result.Outcome == CallbackAttemptOutcome.Retry && attempt < gateway.CallbackMaxAttempts)
        {
            var delay = CallbackBackoff.After(attempt, result.RetryAfter, gateway);
            S.NextAttemptAt = now + delay;
            await state.WriteStateAsync();
            logger.LogInformation("Job {JobId} callback {DeliveryId} try {Attempt} failed ({Result}); next in {DelayMs:F0} ms",
                JobId, message.DeliveryId, attempt, result.Detail, delay.TotalMilliseconds);
            ScheduleNextTry();
            return;
        }

        S.Status = result.Outcome == CallbackAttemptOutcome.Delivered ? CallbackDeliveryStatus.Delivered : CallbackDeliveryStatus.GaveUp;
        S.NextAttemptAt = null;
        S.FinishedAt = now;
        // A crash between the receiver's 2xx and this write resends the same delivery id: receivers drop repeats by it.
        await state.WriteStateAsync();
        if (S.Status == CallbackDeliveryStatus.Delivered)
            logger.LogInformation("Job {JobId} callback {DeliveryId} delivered on try {Attempt} ({Result})", JobId, message.DeliveryId, attempt, result.Detail);
        else
            logger.LogWarning("Job {JobId} callback {DeliveryId} given up after try {Attempt}: {Result}", JobId, message.DeliveryId, attempt, result.Detail);
        await UnregisterSafetyNetAsync();
        DeactivateOnIdle();
    }

    private async Task UnregisterSafetyNetAsync()
    {
        var reminder = await this.GetReminder(SafetyNet);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
