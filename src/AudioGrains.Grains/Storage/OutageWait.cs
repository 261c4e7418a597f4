using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Storage;

/// <summary>
/// One piece of work waiting out an outage of the blob store: short pauses (up to
/// <see cref="ProcessingOptions.StateRetryMaxDelay"/>) so the work goes on within seconds of the store's return, for up
/// to <see cref="ProcessingOptions.StorageOutageTolerance"/> from the first failure; after that its failures count as
/// tries again, and the work fails as any other would.
/// </summary>
public sealed class OutageWait(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private DateTimeOffset? _since;

    /// <summary>Failures since the outage began (the first is 1).</summary>
    public int Failures { get; private set; }

    /// <summary>The pause before the next try, or null once the outage has lasted longer than the tolerance.</summary>
    public TimeSpan? Next(ProcessingOptions options)
    {
        var now = _clock.GetUtcNow();
        _since ??= now;
        Failures++;
        return now - _since.Value > options.StorageOutageTolerance
            ? null
            : RetryDelay.For(Failures, options.RetryBaseDelay, options.StateRetryMaxDelay);
    }

    /// <summary>The work went on: a later outage starts its own clock.</summary>
    public void Reset()
    {
        _since = null;
        Failures = 0;
    }
}
