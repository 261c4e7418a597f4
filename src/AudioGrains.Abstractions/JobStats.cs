namespace AudioGrains.Abstractions;

/// <summary>Counts over the registry's listed jobs, by the HTTP API's status words (every running phase is processing).</summary>
[GenerateSerializer, Immutable]
public sealed record JobStats
{
    /// <summary>Listed jobs that exist.</summary>
    [Id(0)] public int Total { get; init; }
    [Id(1)] public int Queued { get; init; }
    [Id(2)] public int Processing { get; init; }
    [Id(3)] public int Completed { get; init; }
    [Id(4)] public int Failed { get; init; }
    [Id(5)] public int Cancelled { get; init; }
    [Id(6)] public int Expired { get; init; }

    /// <summary>Inputs' sizes summed, bytes.</summary>
    [Id(7)] public long InputBytes { get; init; }

    /// <summary>Outputs' sizes summed (completed jobs), bytes.</summary>
    [Id(8)] public long OutputBytes { get; init; }

    /// <summary>Jobs not yet ended, as <see cref="IJobRegistryGrain.ActiveCountAsync"/> counts them.</summary>
    [Id(9)] public int Active { get; init; }

    /// <summary>The counts of these statuses (those that do not exist are left out).</summary>
    public static JobStats Count(IEnumerable<JobStatus> statuses, int active)
    {
        int total = 0, queued = 0, processing = 0, completed = 0, failed = 0, cancelled = 0, expired = 0;
        long input = 0, output = 0;
        foreach (var s in statuses.Where(s => s.Exists))
        {
            total++;
            input += s.InputBytes;
            output += s.OutputBytes ?? 0;
            switch (s.Phase)
            {
                case JobPhase.Queued: queued++; break;
                case JobPhase.Completed: completed++; break;
                case JobPhase.Failed: failed++; break;
                case JobPhase.Cancelled: cancelled++; break;
                case JobPhase.Expired: expired++; break;
                default: processing++; break;
            }
        }
        return new JobStats
        {
            Total = total, Queued = queued, Processing = processing, Completed = completed, Failed = failed, Cancelled = cancelled,
            Expired = expired, InputBytes = input, OutputBytes = output, Active = active,
        };
    }
}
