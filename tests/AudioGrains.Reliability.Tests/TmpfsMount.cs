using AudioGrains.Testing;

namespace AudioGrains.Reliability.Tests;

/// <summary>A small tmpfs mounted over a folder (a silo's temp folder that fills up); lazily unmounted when disposed. Needs root.</summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private TmpfsMount(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>Why no tmpfs can be mounted here (not root, no mount command), or null when one can.</summary>
    public static string? MissingReason =>
        Environment.UserName != "root" ? "mounting a tmpfs needs root" : !File.Exists("/bin/mount") && !File.Exists("/usr/bin/mount") ? "no mount command" : null;

    public static async Task<TmpfsMount> MountAsync(string folder, int kilobytes)
    {
        await ProcessRunner.RunCheckedAsync("mount", ["-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0700", "tmpfs", folder]);
        return new TmpfsMount(folder);
    }

    /// <summary>Every file under the mount.</summary>
    public IReadOnlyList<string> Files() => Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToList();

    public async ValueTask DisposeAsync() => await ProcessRunner.RunAsync("umount", ["-l", Folder], TimeSpan.FromSeconds(10));
}
