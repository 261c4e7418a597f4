using System.Runtime.InteropServices;

namespace AudioGrains.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM cancel the command's token, so a running job is cancelled, its files removed and the
/// exit status is 130. System.CommandLine 2.0.0 does not do it (its ProcessTerminationTimeout is null), and the
/// embedded host's console lifetime takes the signal and only raises ApplicationStopping, which nothing here waits
/// for: without this, Ctrl+C was ignored and the job ran to its end.
/// </summary>
public static class Interruption
{
    public static async Task<int> RunAsync(CancellationToken ct, Func<CancellationToken, Task<int>> body)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void Cancel(PosixSignalContext context)
        {
            // The process stays alive to clean up; the command then ends with 130.
            context.Cancel = true;
            interrupted.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await body(interrupted.Token);
    }
}
