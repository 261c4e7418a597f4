using System.Text.Json;

namespace AudioGrains.Testing;

/// <summary>The real `audiograins` executable, run as a user runs it.</summary>
public static class CliProcess
{
    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.CliDll, .. arguments], TimeSpan.FromMinutes(10));

    /// <summary>Runs with --json, asserts success and that standard output is exactly one JSON object.</summary>
    public static async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--json"]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"audiograins {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        using var doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.Clone();
    }

    public static double Number(this JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? double.NegativeInfinity : e.GetProperty(name).GetDouble();
}
