using AudioGrains.Testing;

namespace AudioGrains.Reliability.Tests;

/// <summary>A small tmpfs mounted over a folder (a silo's temp folder that fills up); lazily unmounted when disposed. Needs root.</summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private TmpfsMount(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>Why no tmpfs can be mounted here (not root, no mount command, no right to mount), or null when one can.</summary>
    public static string? MissingReason => Missing.Value;

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (Environment.UserName != "root") return "mounting a tmpfs needs root";
        if (!File.Exists("/bin/mount") && !File.Exists("/usr/bin/mount")) return "no mount command";
        // Root in a container may still lack the right to mount: try once.
        var folder = Directory.CreateTempSubdirectory("audiograins-tmpfs-probe-").FullName;
        try
        {
            using var mount = System.Diagnostics.Process.Start("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder]);
            if (!mount.WaitForExit(10_000) || mount.ExitCode != 0) return "this machine does not allow mounting a tmpfs (mount failed)";
            using var umount = System.Diagnostics.Process.Start("umount", ["-l", folder]);
            umount.WaitForExit(10_000);
            return null;
        }
        finally
        {
            try { Directory.Delete(folder); } catch (IOException) { }
        }
    });

    public static async Task<TmpfsMount> MountAsync(string folder, int kilobytes)
    {
        await ProcessRunner.RunCheckedAsync("mount", ["-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0700", "tmpfs", folder]);
        return new TmpfsMount(folder);
    }

    /// <summary>Every file under the mount.</summary>
    public IReadOnlyList<string> Files() => Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToList();

    public async ValueTask DisposeAsync() => await ProcessRunner.RunAsync("umount", ["-l", Folder], TimeSpan.FromSeconds(10));
}
