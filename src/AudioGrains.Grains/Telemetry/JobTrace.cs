using System.Diagnostics;
using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Telemetry;

/// <summary>A job's spans: one for its run on a silo, a child per phase; chunk spans hang below through Orleans' call context.</summary>
public static class JobTrace
{
    public static Activity? Start(string jobId, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = AudioGrainsTelemetry.Source.StartActivity("job", ActivityKind.Internal, parent);
        span?.SetTag("audiograins.job_id", jobId);
        return span;
    }

    public static Activity? StartPhase(JobPhase phase) =>
        AudioGrainsTelemetry.Source.StartActivity($"job {phase}".ToLowerInvariant());
}
