using Serilog;
using Serilog.Events;

namespace AudioGrains.Hosting;

/// <summary>One Serilog set-up for every host: message templates, job and correlation ids as properties.</summary>
public static class SiloLogging
{
    public const string OutputTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration config, LogEventLevel level, bool toStandardError) =>
        config.MinimumLevel.Is(level)
            .MinimumLevel.Override("Orleans", level < LogEventLevel.Warning ? LogEventLevel.Warning : level)
            .MinimumLevel.Override("Microsoft", level < LogEventLevel.Warning ? LogEventLevel.Warning : level)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: OutputTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                standardErrorFromLevel: toStandardError ? LogEventLevel.Verbose : null);
}
