namespace AudioGrains.Abstractions;

/// <summary>
/// The cluster's list of jobs (one grain, <see cref="Key"/>): the newest jobs by creation, bounded, and the set of jobs
/// not yet ended. Jobs record themselves; the gateway lists, counts and sweeps through it. The answers that ask the
/// jobs themselves interleave with the jobs' notices (the grain is reentrant), so a slow sweep never holds up a job.
/// </summary>
public interface IJobRegistryGrain : IGrainWithStringKey
{
    /// <summary>The one registry's key.</summary>
    const string Key = "jobs";

    /// <summary>A job was created (or retried): it is listed and counts as active until it ends. Idempotent.</summary>
    Task JobStartedAsync(string jobId, DateTimeOffset createdAt);

    /// <summary>A job reached a terminal phase: it no longer counts as active. Idempotent.</summary>
    Task JobEndedAsync(string jobId);

    /// <summary>A job was deleted: it is no longer listed. Idempotent.</summary>
    Task JobDeletedAsync(string jobId);

    /// <summary>The ids of the newest <paramref name="limit"/> listed jobs, newest first.</summary>
    Task<IReadOnlyList<string>> ListAsync(int limit);

    /// <summary>Counts by status and byte totals over the listed jobs (asks each job), and the active count.</summary>
    Task<JobStats> StatsAsync();

    /// <summary>
    /// Jobs not yet ended, from the registry's own set (cheap); a set not checked for a while is checked first against
    /// the jobs' statuses (a bounded number of them), so a lost notice cannot hold admission shut.
    /// </summary>
    Task<int> ActiveCountAsync();

    /// <summary>
    /// Cluster-wide admission: true, and a place held for the submission, while the active jobs and the places held
    /// are fewer than <paramref name="limit"/>. A place is given back when a job starts, or after
    /// <paramref name="hold"/> (an upload refused or abandoned). One registry decides for every gateway.
    /// </summary>
    Task<bool> TryAdmitAsync(int limit, TimeSpan hold);

    /// <summary>Gives back the place an admitted submission held when it started no job (refused, abandoned, or joined a live job).</summary>
    Task ReleaseAdmissionAsync();

    /// <summary>Expires every listed job past its expiry time and unlists the jobs that no longer exist.</summary>
    Task<JobCleanup> CleanupAsync();

    /// <summary>
    /// Calls every job counted active, which activates it wherever it now belongs: a job whose silo died resumes at
    /// once instead of at its next reminder. Returns how many answered and are still running. Idempotent.
    /// </summary>
    Task<int> ResumeActiveAsync();
}

/// <summary>The registry of the cluster <paramref name="grains"/> belong to.</summary>
public static class JobRegistry
{
    public static IJobRegistryGrain Of(IGrainFactory grains) => grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
}

/// <summary>What one cleanup did.</summary>
[GenerateSerializer, Immutable]
public sealed record JobCleanup
{
    /// <summary>Jobs this cleanup expired (their blobs deleted; they now answer <see cref="JobPhase.Expired"/>).</summary>
    [Id(0)] public int Expired { get; init; }

    /// <summary>Jobs unlisted because they no longer exist.</summary>
    [Id(1)] public int Removed { get; init; }
}
