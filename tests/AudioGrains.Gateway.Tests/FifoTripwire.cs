using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A named pipe that tells whether anything opened it for reading: a writer waits on it in the background, and its
/// open returns only when a reader opens the other end. A path any "read a local file" trick can be pointed at.
/// </summary>
public sealed class FifoTripwire : IAsyncDisposable
{
    private readonly Task _waiting;
    private volatile bool _closing;
    private volatile bool _opened;

    private FifoTripwire(string path)
    {
        Path = path;
        _waiting = Task.Factory.StartNew(() =>
        {
            // Blocks until a reader opens the pipe.
            using var writer = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            if (!_closing) _opened = true;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public string Path { get; }

    /// <summary>True once something other than this tripwire opened the pipe to read it.</summary>
    public bool Opened => _opened;

    public static async Task<FifoTripwire> CreateAsync(string path)
    {
        await ProcessRunner.RunCheckedAsync("mkfifo", [path]);
        return new FifoTripwire(path);
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        if (!_waiting.IsCompleted)
        {
            // Release the waiting writer by opening the reading end ourselves.
            using (File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) { }
        }
        await _waiting.WaitAsync(TimeSpan.FromSeconds(5));
        File.Delete(Path);
    }
}
