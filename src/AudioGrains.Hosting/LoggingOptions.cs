using Serilog.Events;

namespace AudioGrains.Hosting;

/// <summary>How a host writes its logs.</summary>
public enum LogFormat
{
    /// <summary>Serilog's compact JSON (CLEF), one event per line: what a log collector reads.</summary>
    Json,

    /// <summary>One readable line per event: what a person at a terminal reads.</summary>
    Text,
}

/// <summary>Logging settings, bound from section "AudioGrains:Logging" and validated at start.</summary>
public sealed record LoggingOptions
{
    public const string Section = "AudioGrains:Logging";

    public LogFormat Format { get; init; } = LogFormat.Json;

    /// <summary>The level of everything not named in <see cref="Levels"/>.</summary>
    public LogEventLevel Level { get; init; } = LogEventLevel.Information;

    /// <summary>
    /// Levels by namespace (the logger's source context and everything below it), e.g. "Orleans.Runtime": "Error".
    /// Orleans and Microsoft default to Warning: at Information they log every membership and placement step.
    /// </summary>
    public Dictionary<string, LogEventLevel> Levels { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        foreach (var name in Levels.Keys.Where(string.IsNullOrWhiteSpace))
            yield return $"{Section}:Levels has an empty namespace \"{name}\"";
    }
}
