using System.Diagnostics;

namespace AudioGrains.Grains.Telemetry;

/// <summary>
/// The names AudioGrains publishes under: one meter and one activity source, "AudioGrains". Prometheus sees the
/// meter's instruments as audiograins_* (prometheus-net joins the meter's and the instrument's names), which is why
/// counters' names end in ".total".
/// </summary>
public static class AudioGrainsTelemetry
{
    public const string Name = "AudioGrains";

    /// <summary>Spans of a job (one per phase) and of its chunks and segments, children of the request that submitted it.</summary>
    public static readonly ActivitySource Source = new(Name);
}
