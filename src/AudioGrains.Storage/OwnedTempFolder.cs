using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AudioGrains.Storage;

/// <summary>
/// This process's own folder for temporary files, inside a parent folder that other processes of the host may share
/// (the system temp folder by default). A process that is killed (SIGKILL, the OOM killer, a power cut) removes
/// nothing: what it was writing stays. So each process works in a folder named after itself (host, process id and
/// start time), and whoever claims a folder in the same parent later deletes the folders of owners that are gone: the
/// same host name, and no live process with that id and start time. Folders made on another host (a parent shared
/// between containers, whose process ids this one cannot see) are left alone.
/// </summary>
public static class OwnedTempFolder
{
    private const string Prefix = "owner-";

    private static readonly ConcurrentDictionary<string, string> Claimed = new(StringComparer.Ordinal);

    /// <summary>This process's folder in <paramref name="parent"/> (made, and the folders of dead owners deleted, on the first call).</summary>
    public static string Claim(string parent) => Claimed.GetOrAdd(Path.GetFullPath(parent), static full =>
    {
        Directory.CreateDirectory(full);
        foreach (var folder in Directory.EnumerateDirectories(full, Prefix + "*"))
        {
            if (!IsOrphan(Path.GetFileName(folder))) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the next claim tries again.
            }
        }
        var own = Path.Combine(full, NameOf(HostTag, Environment.ProcessId, StartSeconds(Process.GetCurrentProcess())));
        Directory.CreateDirectory(own);
        // A process that ends normally takes its folder with it when it is empty (what it still holds is not its to judge).
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(own, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        };
        return own;
    });

    /// <summary>"owner-HOST-PID-START": the host name's hash (host names may hold any character), the process id, its start time in Unix seconds.</summary>
    public static string NameOf(string hostTag, int processId, long startSeconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{hostTag}-{processId}-{startSeconds}");

    /// <summary>Whether the folder named <paramref name="name"/> was made on this host by a process that is gone.</summary>
    public static bool IsOrphan(string name)
    {
        var parts = name.Split('-');
        if (parts.Length != 4 || parts[0] + "-" != Prefix || parts[1] != HostTag
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            // The id was given to another process since (start times agree to the second; 2 s of slack for rounding).
            return Math.Abs(StartSeconds(process) - start) > 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true; // no such process
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // alive, and not ours to read
        }
    }

    /// <summary>This host's tag: a short hash of its name.</summary>
    public static string HostTag { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8];

    private static long StartSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
}
