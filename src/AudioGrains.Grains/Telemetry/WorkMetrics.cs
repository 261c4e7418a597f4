using System.Diagnostics.Metrics;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Telemetry;

/// <summary>How long chunks and segments take on this silo, and how many of their tries fail.</summary>
public sealed class WorkMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;

    public WorkMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AudioGrainsTelemetry.Name);
        _duration = meter.CreateHistogram<double>("chunk.duration.seconds", "s", "Time to compute one chunk (or encode one segment), by kind");
        _failures = meter.CreateCounter<long>("chunk.failures.total", "{try}", "Tries of a chunk or segment that failed (not cancelled), by kind");
        // Every kind's series exists from the start at 0, so a rate over it has a series before the first failure.
        foreach (var kind in Enum.GetValues<WorkKind>()) _failures.Add(0, Kind(kind));
    }

    public void Completed(WorkKind kind, TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds, Kind(kind));

    public void Failed(WorkKind kind) => _failures.Add(1, Kind(kind));

    private static KeyValuePair<string, object?> Kind(WorkKind kind) => new("kind", kind.ToString().ToLowerInvariant());
}
