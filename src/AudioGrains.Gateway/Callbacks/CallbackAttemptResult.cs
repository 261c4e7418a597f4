namespace AudioGrains.Gateway.Callbacks;

public enum CallbackAttemptOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>No answer, a timeout, 5xx or 429: worth another try.</summary>
    Retry,

    /// <summary>Another answer (4xx, a redirect), or a URL or address that may not be called: another try cannot help.</summary>
    Refused,
}

/// <summary>What one try of a callback came to, and what the receiver asked for (Retry-After).</summary>
public sealed record CallbackAttemptResult(CallbackAttemptOutcome Outcome, string Detail, TimeSpan? RetryAfter = null);
