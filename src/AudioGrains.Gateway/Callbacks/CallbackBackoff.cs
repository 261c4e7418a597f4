using AudioGrains.Grains.Chunks;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>How long to wait before the next try of a callback.</summary>
public static class CallbackBackoff
{
    /// <summary>
    /// The receiver's Retry-After when it sent one (capped at the longest delay, so a delivery stays bounded in time),
    /// else exponential backoff with jitter from the base delay, for the <paramref name="attemptsMade"/>-th failure.
    /// </summary>
    public static TimeSpan After(int attemptsMade, TimeSpan? retryAfter, GatewayOptions options) =>
        retryAfter is { } asked
            ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, 0, options.CallbackRetryMaxDelay.Ticks))
            : RetryDelay.For(attemptsMade, options.CallbackRetryBaseDelay, options.CallbackRetryMaxDelay);
}
