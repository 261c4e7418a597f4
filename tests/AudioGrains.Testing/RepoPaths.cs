namespace AudioGrains.Testing;

/// <summary>Where the built executables are: the same configuration as the running tests.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug, read from this test assembly's own output path (…/bin/Release/net10.0/).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string CliDll => Built("AudioGrains.Cli", "audiograins.dll");

    public static string SiloDll => Built("AudioGrains.Silo", "AudioGrains.Silo.dll");

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", dll);
        if (!File.Exists(path)) throw new FileNotFoundException($"{dll} is not built; run `dotnet build -c {Configuration}` first", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AudioGrains.sln"))) return dir.FullName;
        throw new InvalidOperationException("AudioGrains.sln not found above the test output folder");
    }
}
