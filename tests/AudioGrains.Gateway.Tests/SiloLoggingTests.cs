using AudioGrains.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AudioGrains.Gateway.Tests;

/// <summary>Levels per namespace from configuration, Orleans' chatter quiet by default, and the silo's name on every event.</summary>
public sealed class SiloLoggingTests
{
    [Fact]
    public void A_namespace_level_from_configuration_applies_to_it_and_below_and_Orleans_is_quiet_unless_named()
    {
        var options = new LoggingOptions { Levels = new() { ["AudioGrains.Grains.Chunks"] = LogEventLevel.Warning } };
        var events = Log(options, ("AudioGrains.Grains.Chunks.ChunkProcessorGrain", LogEventLevel.Information),
            ("AudioGrains.Grains.Chunks.ChunkProcessorGrain", LogEventLevel.Warning), ("AudioGrains.Grains.Jobs.JobGrain", LogEventLevel.Information),
            ("Orleans.Runtime.Silo", LogEventLevel.Information), ("Orleans.Runtime.Silo", LogEventLevel.Warning));
        Assert.Equal(["AudioGrains.Grains.Chunks.ChunkProcessorGrain Warning", "AudioGrains.Grains.Jobs.JobGrain Information", "Orleans.Runtime.Silo Warning"], events);

        var loud = Log(new LoggingOptions { Levels = new() { ["Orleans"] = LogEventLevel.Information } }, ("Orleans.Runtime.Silo", LogEventLevel.Information));
        Assert.Equal(["Orleans.Runtime.Silo Information"], loud);
    }

    [Fact]
    public void Every_event_carries_the_silos_name_asked_for_once()
    {
        var asked = 0;
        var sink = new Collector();
        using (var logger = SiloLogging.Configure(new LoggerConfiguration(), new LoggingOptions { Format = LogFormat.Text }, () => $"silo-{++asked}", false)
                   .WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("one");
            logger.Information("two");
        }
        Assert.Equal(["silo-1", "silo-1"], sink.Events.Select(e => ((ScalarValue)e.Properties["Silo"]).Value));
        Assert.Equal(1, asked);
    }

    private static List<string> Log(LoggingOptions options, params (string Source, LogEventLevel Level)[] writes)
    {
        var sink = new Collector();
        using (var logger = SiloLogging.Configure(new LoggerConfiguration(), options with { Format = LogFormat.Text }, null, false).WriteTo.Sink(sink).CreateLogger())
        {
            foreach (var (source, level) in writes) logger.ForContext(Constants.SourceContextPropertyName, source).Write(level, "event");
        }
        return sink.Events.Select(e => $"{((ScalarValue)e.Properties[Constants.SourceContextPropertyName]).Value} {e.Level}").ToList();
    }

    private sealed class Collector : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
