using System.Diagnostics.Metrics;
using AudioGrains.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>The silo's one circuit breaker on the jobs' state store (Redis in a cluster), shared by every job it runs.</summary>
public sealed class JobStateBreaker(ILogger<DependencyBreaker> logger, IMeterFactory meters)
{
    public DependencyBreaker Breaker { get; } = new("job-state", logger, meters);
}
