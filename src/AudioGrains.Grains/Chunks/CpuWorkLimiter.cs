namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Runs CPU-bound work on the thread pool, at most N at once per silo, so the Orleans scheduler
/// (and its membership probes) is never starved by DSP.
/// </summary>
public sealed class CpuWorkLimiter(Microsoft.Extensions.Options.IOptions<ProcessingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentChunks, options.Value.MaxConcurrentChunks);

    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => work(ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Asynchronous work that keeps a core busy while it runs (it feeds an encoder process).</summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await Task.Run(() => work(ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
