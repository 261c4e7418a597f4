namespace AudioGrains.Grains.Uploads;

/// <summary>
/// When an upload that nobody completes or abandons is given up: <see cref="Ttl"/> after its last block. Its client
/// may have gone away for good (killed, or with an idempotency key it never resumes), and an upload has no grain state:
/// without this its blocks would stay in the store for ever. What it knows lives in one activation of the upload grain;
/// the grain's reminder carries the deadline across activations (it is aimed at the last block plus the TTL whenever
/// an activation ends), so an activation that has seen no block treats a due reminder as the deadline passed.
/// </summary>
public sealed class UploadExpiry(TimeSpan ttl)
{
    public TimeSpan Ttl => ttl;

    /// <summary>The last block this activation stored; null when it has stored none.</summary>
    public DateTimeOffset? LastBlockAt { get; private set; }

    /// <summary>Whether this activation has aimed the reminder (the first block of an activation does).</summary>
    public bool Armed { get; private set; }

    /// <summary>A block was stored: the deadline moves. True when the reminder must be aimed (the first block of this activation).</summary>
    public bool BlockStored(DateTimeOffset now)
    {
        LastBlockAt = now;
        if (Armed) return false;
        Armed = true;
        return true;
    }

    /// <summary>The upload was completed, abandoned or given up: no deadline any more.</summary>
    public void Stop()
    {
        LastBlockAt = null;
        Armed = false;
    }

    /// <summary>When the upload is given up, as far as this activation knows: its last block plus the TTL; null when it has seen none.</summary>
    public DateTimeOffset? DueAt => LastBlockAt + ttl;

    /// <summary>
    /// Whether a reminder or timer that fires now gives the upload up: its last block is older than the TTL, or this
    /// activation has seen none (the reminder was aimed at the deadline by an earlier one).
    /// </summary>
    public bool IsDue(DateTimeOffset now) => DueAt is not { } at || at <= now;
}
