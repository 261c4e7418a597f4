using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Grains.Uploads;

/// <summary>
/// The job that owns one request ("SHA-256 of the input, hash of the canonical options"): a submission of the same
/// content with the same options joins that job while it lives, so the work is done once.
/// </summary>
public interface IJobIndexGrain : IGrainWithStringKey
{
    /// <summary>The job that owns the request: the one recorded, while it lives; else <paramref name="jobId"/>, now recorded.</summary>
    Task<string> ClaimAsync(string jobId);

    /// <summary>Forgets the claim of <paramref name="jobId"/> (a deleted job), if it holds it.</summary>
    Task ReleaseAsync(string jobId);
}

[GenerateSerializer]
public sealed class JobIndexState
{
    [Id(0)] public string? JobId { get; set; }

    [Id(1)] public DateTimeOffset ClaimedAt { get; set; }
}

public sealed class JobIndexGrain([PersistentState("index", JobStorage.Name)] IPersistentState<JobIndexState> state) : Grain, IJobIndexGrain
{
    public async Task<string> ClaimAsync(string jobId)
    {
        if (state.State.JobId is { } owner && owner != jobId)
        {
            var status = await GrainFactory.GetGrain<IJobGrain>(owner).GetStatusAsync();
            // A failed, cancelled or expired job's result is gone: the request starts afresh. A job not started yet is
            // still starting (its upload claimed it a moment ago), unless its upload died long ago.
            var live = status.Exists
                ? status.Phase is not (JobPhase.Failed or JobPhase.Cancelled or JobPhase.Expired)
                : DateTimeOffset.UtcNow - state.State.ClaimedAt < StartGrace;
            if (live) return owner;
        }
        if (state.State.JobId != jobId)
        {
            state.State.JobId = jobId;
            state.State.ClaimedAt = DateTimeOffset.UtcNow;
            await state.WriteStateAsync();
        }
        return jobId;
    }

    public async Task ReleaseAsync(string jobId)
    {
        if (state.State.JobId == jobId) await state.ClearStateAsync();
    }

    /// <summary>How long a claimed job may take to start before another submission takes the request over.</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The index key of a request: the input's SHA-256 and a hash of its options, as JSON in declaration order, and of
    /// its callback URL if it has one. A job calls back one URL: a submission that joined a job with another URL (or
    /// none) would never hear of its end, so it gets its own job. Without a URL the key is what it always was.
    /// </summary>
    public static string KeyFor(string inputSha256, NormalizeOptions options, string? callbackUrl)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(options with { NoiseFileKey = null });
        var key = $"{inputSha256}-{Convert.ToHexStringLower(SHA256.HashData(canonical))[..16]}";
        return string.IsNullOrEmpty(callbackUrl) ? key : $"{key}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callbackUrl)))[..16]}";
    }
}
