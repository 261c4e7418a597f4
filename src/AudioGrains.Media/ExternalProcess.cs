using System.ComponentModel;
using System.Diagnostics;
using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>
/// One run of ffmpeg or ffprobe: started without a shell, stderr kept to its last 4 KB, one deadline, and on timeout
/// or cancellation the whole process tree is killed and reaped. Every run goes through here rather than through
/// FFMpegCore 6.0's runner (Instances 3.1), which would lose security properties, not speed: on cancellation it writes
/// "q" to a stdin that -nostdin ignores, waits a grace period (5 s by default), then kills the ffmpeg pid alone, not its
/// tree; it keeps every line of stdout and stderr in memory, uncapped; it reads stdout as text, so PCM cannot come back
/// on it; and it cannot take FFREPORT out of the child's environment. The figures of each step are where it runs.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private const int StderrTailChars = 4096;

    private readonly Process _process;
    private readonly string _tool;
    private readonly string _subject;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationTokenRegistration _killOnStop;
    private readonly TextTail _stderr = new(StderrTailChars);
    private readonly Task _stderrPump;
    private readonly Task _stdoutDrain;
    private volatile bool _killed;
    private bool _disposed;

    private ExternalProcess(Process process, string subject, TimeSpan timeout, bool readsOutput, CancellationToken ct)
    {
        _process = process;
        _tool = Path.GetFileName(process.StartInfo.FileName);
        _subject = subject;
        _timeout = timeout;
        _callerToken = ct;
        _deadline = new CancellationTokenSource(timeout);
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, _deadline.Token);
        _stderrPump = PumpStderrAsync();
        // A child that writes to a pipe nobody reads would block forever.
        _stdoutDrain = readsOutput ? Task.CompletedTask : process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _killOnStop = _stopping.Token.UnsafeRegister(static state => ((ExternalProcess)state!).Kill(), this);
    }

    /// <summary>Starts <paramref name="executable"/>. <paramref name="subject"/> is the file name messages name.</summary>
    /// <param name="readsOutput">The caller reads stdout; otherwise it is drained and discarded.</param>
    public static ExternalProcess Start(string executable, IEnumerable<string> arguments, string subject, TimeSpan timeout,
        bool readsOutput, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(executable);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        return Start(startInfo, subject, timeout, readsOutput, ct);
    }

    /// <summary>
    /// Starts <paramref name="executable"/> with a command line as FFMpegCore's <c>FFMpegArguments</c> writes it (split
    /// into arguments by .NET, as FFMpegCore's own runs are; see <see cref="FfmpegCommandLine"/>).
    /// </summary>
    public static ExternalProcess Start(string executable, string commandLine, string subject, TimeSpan timeout,
        bool readsOutput, CancellationToken ct) =>
        Start(new ProcessStartInfo(executable, commandLine), subject, timeout, readsOutput, ct);

    private static ExternalProcess Start(ProcessStartInfo startInfo, string subject, TimeSpan timeout,
        bool readsOutput, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.CreateNoWindow = true;
        // FFREPORT would make ffmpeg write a log file of its own wherever it runs.
        startInfo.Environment.Remove("FFREPORT");

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"could not start {startInfo.FileName} for \"{subject}\": {e.Message}", e);
        }

        // Input reaches ffmpeg as files or sockets: stdin only ends at once.
        process.StandardInput.Close();
        return new ExternalProcess(process, subject, timeout, readsOutput, ct);
    }

    public int Id => _process.Id;

    /// <summary>The child's stdout (only when started with readsOutput).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Completes when the child has exited, however that came about.</summary>
    public Task Exited => _process.WaitForExitAsync(CancellationToken.None);

    /// <summary>Fires on the caller's cancellation or at the deadline; the child is being killed by then.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The last few KB of the child's stderr.</summary>
    public string ErrorText => _stderr.ToString();

    /// <summary>
    /// Waits for the child to exit and for its stderr to end. Throws <see cref="OperationCanceledException"/> when it was
    /// cancelled (by the start token or <paramref name="ct"/>), <see cref="AudioGrainsException"/> (timeout) when it ran
    /// out of time; otherwise returns the exit code.
    /// </summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct = default)
    {
        using (ct.UnsafeRegister(static state => ((ExternalProcess)state!).Kill(), this))
        {
            // No token here: every way of stopping kills the child, so this always returns.
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await DrainQuietlyAsync(_stderrPump).ConfigureAwait(false);
        await DrainQuietlyAsync(_stdoutDrain).ConfigureAwait(false);
        // Once it has exited a late deadline or cancellation must not kill (or blame) anything.
        await _killOnStop.DisposeAsync().ConfigureAwait(false);
        if (_killed)
        {
            ct.ThrowIfCancellationRequested();
            ThrowIfStopped();
        }
        return _process.ExitCode;
    }

    /// <summary>Throws what a stop means: cancellation, or a timeout error. Does nothing while the child may run on.</summary>
    public void ThrowIfStopped()
    {
        if (!_stopping.IsCancellationRequested) return;
        _callerToken.ThrowIfCancellationRequested();
        throw new AudioGrainsException(ErrorCodes.Timeout,
            $"{_tool} ran out of time ({_timeout.TotalSeconds:0.###} s) on \"{_subject}\"");
    }

    /// <summary>Kills the child and its descendants (if still running), waits for it to be reaped, and frees everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!HasExited()) Kill();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await DrainQuietlyAsync(_stderrPump).ConfigureAwait(false);
        await DrainQuietlyAsync(_stdoutDrain).ConfigureAwait(false);
        await _killOnStop.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _deadline.Dispose();
        _process.Dispose();
    }

    private void Kill()
    {
        _killed = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or AggregateException or NotSupportedException)
        {
            // Already exited, or a descendant vanished while the tree was walked: nothing left to kill.
        }
    }

    private bool HasExited()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        var reader = _process.StandardError;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            _stderr.Append(buffer.AsSpan(0, read));
        }
    }

    private static async Task DrainQuietlyAsync(Task pump)
    {
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe broke because the child was killed; what it said is already in the tail.
        }
    }
}
