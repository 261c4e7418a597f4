namespace AudioGrains.Media.Tests;

/// <summary>Looks at this test process's children through /proc, so a test can prove ffmpeg is gone (zombies included).</summary>
public static class ChildProcesses
{
    /// <summary>The pid of a child of this process whose command line mentions <paramref name="fragment"/>, if one runs now.</summary>
    public static int? FindByArgument(string fragment)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                if (ParentOf(pid) != Environment.ProcessId) continue;
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (commandLine.Contains(fragment, StringComparison.Ordinal)) return pid;
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>True when no process (not even a zombie awaiting reaping) has this pid.</summary>
    public static bool IsGone(int pid) => !Directory.Exists($"/proc/{pid}");

    private static int ParentOf(int pid)
    {
        // /proc/pid/stat: "pid (comm) state ppid ..."; comm may hold spaces, so parse after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
