using AudioGrains.Grains.Faults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

namespace AudioGrains.Hosting;

/// <summary>The optional JSON file of injected faults (<see cref="FaultOptions.FileKey"/>) as a configuration source of the silo.</summary>
public static class FaultsFile
{
    /// <summary>
    /// Adds the file named by <see cref="FaultOptions.FileKey"/>, if any: optional (no file, no faults) and read again
    /// when it changes. Polled (every 4 s) rather than watched with inotify, whose per-user instances a machine running
    /// many silos can run out of.
    /// </summary>
    public static IConfigurationBuilder AddFaultsFile(this IConfigurationManager configuration)
    {
        if (configuration[FaultOptions.FileKey] is not { Length: > 0 } file) return configuration;
        var path = Path.GetFullPath(file);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var provider = new PhysicalFileProvider(folder) { UsePollingFileWatcher = true, UseActivePolling = true };
        return configuration.AddJsonFile(provider, Path.GetFileName(path), optional: true, reloadOnChange: true);
    }
}
