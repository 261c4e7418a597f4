namespace AudioGrains.Deployment.Tests;

/// <summary>Finds a program on PATH, as a shell would.</summary>
public static class Executables
{
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string Require(string name, string why) =>
        Find(name) ?? throw new InvalidOperationException($"{name} is not on PATH; it is needed to {why}");
}
