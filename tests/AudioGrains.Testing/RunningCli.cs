using System.Diagnostics;
using System.Globalization;

namespace AudioGrains.Testing;

/// <summary>The real `audiograins` started in the background, for tests that interrupt it mid-way as a user's Ctrl+C does.</summary>
public sealed class RunningCli : IDisposable
{
    private readonly Process _process;

    private RunningCli(Process process)
    {
        _process = process;
        StandardOutput = process.StandardOutput.ReadToEndAsync();
        StandardError = process.StandardError.ReadToEndAsync();
    }

    public Task<string> StandardOutput { get; }

    public Task<string> StandardError { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static RunningCli Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[RepoPaths.CliDll, .. arguments]) info.ArgumentList.Add(a);
        return new RunningCli(Process.Start(info)!);
    }

    /// <summary>Sends SIGINT (what Ctrl+C sends) and waits for the exit, at most <paramref name="limit"/>; returns how long it took.</summary>
    public async Task<TimeSpan> InterruptAsync(TimeSpan limit)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        var interrupted = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return interrupted.Elapsed;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
