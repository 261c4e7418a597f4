using System.Text.Json;

namespace AudioGrains.Testing;

/// <summary>The real `audiograins` executable, run as a user runs it.</summary>
public static class CliProcess
{
    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunWithAsync(null, arguments);

    /// <summary>Runs with extra environment variables (configuration such as AudioGrains__Processing__...).</summary>
    public static Task<ProcessResult> RunWithAsync(IDictionary<string, string>? environment, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.CliDll, .. arguments], TimeSpan.FromMinutes(10), environment);

    /// <summary>Runs with --json, asserts success and that standard output is exactly one JSON object.</summary>
    public static Task<JsonElement> JsonAsync(params string[] arguments) => JsonWithAsync(null, arguments);

    public static async Task<JsonElement> JsonWithAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var result = await RunWithAsync(environment, [.. arguments, "--json"]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"audiograins {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        using var doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.Clone();
    }

    public static double Number(this JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? double.NegativeInfinity : e.GetProperty(name).GetDouble();
}
