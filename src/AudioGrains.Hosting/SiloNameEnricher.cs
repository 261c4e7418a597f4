using Serilog.Core;
using Serilog.Events;

namespace AudioGrains.Hosting;

/// <summary>
/// Adds "Silo" to every event. The name (address, generation, pid) exists only once Orleans has made the silo's
/// details, after the logger: it is asked for at the first event and kept.
/// </summary>
public sealed class SiloNameEnricher(Func<string> name) : ILogEventEnricher
{
    private readonly Lazy<LogEventProperty> _property = new(() => new LogEventProperty("Silo", new ScalarValue(name())));

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) => logEvent.AddPropertyIfAbsent(_property.Value);
}
