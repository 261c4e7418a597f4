using System.Text.Json;
using System.Text.RegularExpressions;

namespace AudioGrains.Testing;

/// <summary>
/// One event of a silo's compact JSON log (CLEF: "@t", "@mt", "@l", "@tr", "@sp" and the properties), and its message
/// rendered with the properties' plain values, as a person reads it ("Processed chunk 3 of job 5f2e...").
/// </summary>
public sealed partial record LogEvent(string Template, string Level, IReadOnlyDictionary<string, JsonElement> Properties)
{
    public string? TraceId => Text("@tr");

    public string? JobId => Text("JobId");

    public string? Text(string name) => Properties.TryGetValue(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    public bool Has(string name) => Properties.ContainsKey(name);

    public string Message => Hole().Replace(Template, m => Text(m.Groups[1].Value) ?? m.Value);

    /// <summary>The event on a log line, or null when the line is not a JSON object (a plain-text log, a stack trace).</summary>
    public static LogEvent? Parse(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var properties = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            return new LogEvent(properties.TryGetValue("@mt", out var mt) ? mt.GetString() ?? "" : "",
                properties.TryGetValue("@l", out var l) ? l.GetString() ?? "Information" : "Information", properties);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A readable line for a JSON event ("[Warning] Source: message"), the line itself otherwise.</summary>
    public static string Render(string line) =>
        Parse(line) is { } e ? $"[{e.Level}] {e.Text("SourceContext")}: {e.Message}{(e.Text("@x") is { } x ? "\n" + x : "")}" : line;

    [GeneratedRegex(@"\{@?([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex Hole();
}
