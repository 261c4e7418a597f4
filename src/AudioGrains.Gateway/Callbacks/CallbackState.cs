namespace AudioGrains.Gateway.Callbacks;

/// <summary>The persisted state of a job's callback: the message, and how far its delivery got.</summary>
[GenerateSerializer]
public sealed class CallbackState
{
    /// <summary>
    /// Which outcome of the job the message tells of (its phase and when it ended): a request for the same one is a
    /// repeat; a new one (an operator retried a failed job and it completed) is delivered afresh.
    /// </summary>
    [Id(0)] public string? Occasion { get; set; }

    [Id(1)] public CallbackMessage? Message { get; set; }
    [Id(2)] public CallbackDeliveryStatus Status { get; set; }
    [Id(3)] public int Attempts { get; set; }
    [Id(4)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(5)] public string? LastResult { get; set; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }

    public CallbackDelivery Snapshot() => new()
    {
        Status = Status,
        DeliveryId = Message?.DeliveryId,
        Attempts = Attempts,
        LastResult = LastResult,
        NextAttemptAt = NextAttemptAt,
        FinishedAt = FinishedAt,
    };
}
