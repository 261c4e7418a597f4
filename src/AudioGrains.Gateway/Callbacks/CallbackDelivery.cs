namespace AudioGrains.Gateway.Callbacks;

public enum CallbackDeliveryStatus
{
    /// <summary>Nothing to deliver (yet): the job has no callback URL, or has not completed or failed.</summary>
    None,

    /// <summary>Tries go on.</summary>
    Pending,

    /// <summary>The receiver answered 2xx; nothing more is sent for this outcome.</summary>
    Delivered,

    /// <summary>Refused (4xx, an address callbacks may not reach) or out of tries.</summary>
    GaveUp,
}

/// <summary>Where the delivery of a job's callback stands (for operators and tests).</summary>
[GenerateSerializer, Immutable]
public sealed record CallbackDelivery
{
    [Id(0)] public CallbackDeliveryStatus Status { get; init; }
    [Id(1)] public string? DeliveryId { get; init; }
    [Id(2)] public int Attempts { get; init; }

    /// <summary>What the last try came to, e.g. "HTTP 503" or "no answer: Connection refused".</summary>
    [Id(3)] public string? LastResult { get; init; }

    [Id(4)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
}
