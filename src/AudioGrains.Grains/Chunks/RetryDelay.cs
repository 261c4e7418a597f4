namespace AudioGrains.Grains.Chunks;

/// <summary>Exponential backoff with full jitter: base·2^(attempt−1), capped, times a random factor in [0.5, 1].</summary>
public static class RetryDelay
{
    public static TimeSpan For(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() / 2));
    }
}
