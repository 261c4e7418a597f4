using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace AudioGrains.Hosting;

/// <summary>
/// One Serilog set-up for every host: message templates, with the job id, chunk and correlation id of a job's events
/// as properties (from the grains' logging scopes), the silo's name on every event, and the trace and span ids of the
/// current activity (which Serilog records itself).
/// </summary>
public static class SiloLogging
{
    public const string OutputTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    /// <summary>Namespaces whose Information events are routine chatter (membership, placement, hosting).</summary>
    private static readonly string[] QuietByDefault = ["Orleans", "Microsoft", "System.Net.Http", "Polly"];

    public static LoggerConfiguration Configure(LoggerConfiguration config, LoggingOptions options, Func<string>? silo, bool toStandardError)
    {
        config.MinimumLevel.Is(options.Level).Enrich.FromLogContext();
        foreach (var name in QuietByDefault.Where(n => !options.Levels.ContainsKey(n)))
            config.MinimumLevel.Override(name, options.Level < LogEventLevel.Warning ? LogEventLevel.Warning : options.Level);
        foreach (var (name, level) in options.Levels) config.MinimumLevel.Override(name, level);
        if (silo is not null) config.Enrich.With(new SiloNameEnricher(silo));

        var errorFrom = toStandardError ? LogEventLevel.Verbose : (LogEventLevel?)null;
        return options.Format == LogFormat.Json
            ? config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: errorFrom)
            : config.WriteTo.Console(outputTemplate: OutputTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                standardErrorFromLevel: errorFrom);
    }

    /// <summary>The command line's own logs: readable text at one level.</summary>
    public static LoggerConfiguration Configure(LoggerConfiguration config, LogEventLevel level, bool toStandardError) =>
        Configure(config, new LoggingOptions { Format = LogFormat.Text, Level = level }, silo: null, toStandardError);
}
