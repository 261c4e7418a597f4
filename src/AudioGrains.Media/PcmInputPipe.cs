using FFMpegCore;
using FFMpegCore.Arguments;
using FFMpegCore.Pipes;

namespace AudioGrains.Media;

/// <summary>
/// The PCM input of an encode through FFMpegCore's pipe source: a Unix socket in the temp folder that ffmpeg reads as
/// its "unix:" input, carrying what the session writes. The socket is opened before ffmpeg starts and served while it
/// runs; ffmpeg itself is run by <see cref="ExternalProcess"/>, not by FFMpegCore.
/// </summary>
internal sealed class PcmInputPipe : IPipeSource, IAsyncDisposable
{
    private readonly TaskCompletionSource<Stream> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandon = new();
    private Task _transfer = Task.CompletedTask;
    private bool _disposed;

    public PcmInputPipe()
    {
        Argument = new InputPipeArgument(this);
    }

    /// <summary>The input for <see cref="FFMpegArguments.FromInput"/>; its path is the socket's "unix:" URL.</summary>
    public InputPipeArgument Argument { get; }

    /// <summary>Creates the socket. ffmpeg starts after this and connects to it when it opens its input.</summary>
    public void Open() => Argument.Pre(new FFOptions());

    /// <summary>Serves the socket until <see cref="EndAsync"/>; stops waiting for ffmpeg to connect once <paramref name="exited"/> completes.</summary>
    public void Serve(Task exited)
    {
        _transfer = Argument.During(_abandon.Token);
        exited.ContinueWith(static (_, state) => Abandon((CancellationTokenSource)state!), _abandon,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The connection ffmpeg made. Throws <see cref="IOException"/> when ffmpeg exited without making one, and
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires first.
    /// </summary>
    public async Task<Stream> ConnectedAsync(CancellationToken ct)
    {
        await Task.WhenAny(_connected.Task, _transfer).WaitAsync(ct).ConfigureAwait(false);
        if (_connected.Task.IsCompletedSuccessfully) return await _connected.Task.ConfigureAwait(false);
        throw new IOException("ffmpeg exited before it opened its input");
    }

    /// <summary>Ends the input: ffmpeg reads to the end of what was written, then sees the end of the stream.</summary>
    public async Task EndAsync()
    {
        _ended.TrySetResult();
        await _transfer.ConfigureAwait(false);
    }

    /// <summary>Closes the socket and removes it from the temp folder. The ffmpeg reading it must be gone by then.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _ended.TrySetResult();
        await _abandon.CancelAsync().ConfigureAwait(false);
        try
        {
            await _transfer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The connection broke because ffmpeg was killed; the session has already said why.
        }
        Argument.Post();
        _abandon.Dispose();
    }

    private static void Abandon(CancellationTokenSource abandon)
    {
        try
        {
            abandon.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already: nothing left to abandon.
        }
    }

    /// <summary>Input options are given with the other arguments, before the input.</summary>
    string IPipeSource.GetStreamArguments() => "";

    /// <summary>
    /// FFMpegCore calls this once ffmpeg has connected; the session then writes to the connection itself. The connection
    /// stays until the session ends it, even after ffmpeg exits, so a write then fails as on a broken pipe rather than
    /// on a stream FFMpegCore has disconnected.
    /// </summary>
    Task IPipeSource.WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        _connected.TrySetResult(outputStream);
        return _ended.Task;
    }
}
