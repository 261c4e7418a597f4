using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Registry;

/// <summary>
/// What the job registry keeps: the listed jobs (ids and creation times only, oldest first, at most a bound) and the
/// jobs not yet ended, the one checked longest ago first. Plain properties only: Redis grain storage writes it as JSON.
/// </summary>
[GenerateSerializer]
public sealed class JobRegistryState
{
    [Id(0)] public List<ListedJob> Jobs { get; set; } = [];

    [Id(1)] public List<string> Active { get; set; } = [];

    /// <summary>Lists the job (in order of creation) and counts it active; the oldest go beyond <paramref name="capacity"/>. True when anything changed.</summary>
    public bool Record(string jobId, DateTimeOffset createdAt, int capacity)
    {
        var changed = false;
        if (!Jobs.Exists(j => j.JobId == jobId))
        {
            // Jobs arrive nearly in order: the place is found from the newest end.
            var at = Jobs.Count;
            while (at > 0 && Jobs[at - 1].CreatedAt > createdAt) at--;
            Jobs.Insert(at, new ListedJob { JobId = jobId, CreatedAt = createdAt });
            changed = true;
        }
        if (Jobs.Count > capacity)
        {
            Jobs.RemoveRange(0, Jobs.Count - capacity);
            changed = true;
        }
        if (!Active.Contains(jobId))
        {
            Active.Add(jobId);
            changed = true;
        }
        return changed;
    }

    /// <summary>The job ended: it no longer counts active. True when it did.</summary>
    public bool End(string jobId) => Active.Remove(jobId);

    /// <summary>The job is gone: unlisted and not active. True when anything changed.</summary>
    public bool Remove(string jobId) => Jobs.RemoveAll(j => j.JobId == jobId) + (Active.Remove(jobId) ? 1 : 0) > 0;

    /// <summary>The ids of the newest <paramref name="limit"/> listed jobs, newest first.</summary>
    public IReadOnlyList<string> Newest(int limit) =>
        [.. Enumerable.Range(0, Math.Clamp(limit, 0, Jobs.Count)).Select(i => Jobs[Jobs.Count - 1 - i].JobId)];

    /// <summary>The <paramref name="count"/> active jobs checked longest ago.</summary>
    public IReadOnlyList<string> ActiveToCheck(int count) => [.. Active.Take(count)];

    /// <summary>
    /// What the jobs answered: those ended or gone leave the active set, those still running go to its back (checked
    /// last next time). Statuses of jobs not in the set change nothing. True when the set changed.
    /// </summary>
    public bool Checked(IEnumerable<JobStatus> statuses)
    {
        var changed = false;
        foreach (var status in statuses)
        {
            if (!Active.Remove(status.JobId)) continue;
            changed = true;
            if (status.Exists && !status.IsTerminal) Active.Add(status.JobId);
        }
        return changed;
    }
}

/// <summary>One listed job.</summary>
[GenerateSerializer]
public sealed class ListedJob
{
    [Id(0)] public string JobId { get; set; } = "";

    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
}
