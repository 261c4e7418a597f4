using System.Runtime.CompilerServices;
using AudioGrains.Abstractions;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Storage;

/// <summary>
/// A blob store whose calls go through a <see cref="DependencyBreaker"/>: while the store keeps failing, they fail at
/// once instead of each waiting out the SDK's retries and timeouts. Writes are guarded at their commit, where the data
/// reaches the store.
/// </summary>
public sealed class BreakingBlobStore(IBlobStore inner, DependencyBreaker breaker) : IBlobStore
{
    public Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default) =>
        CallAsync(t => inner.OpenReadAsync(key, offset, length, t), ct);

    public Task<long?> LengthAsync(string key, CancellationToken ct = default) =>
        CallAsync(t => inner.LengthAsync(key, t), ct);

    public IBlobWrite Create(string key) => new BreakingWrite(inner.Create(key), breaker);

    public Task PutFileAsync(string key, string path, CancellationToken ct = default) =>
        CallAsync(t => inner.PutFileAsync(key, path, t), ct);

    public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default) =>
        CallAsync(t => inner.DownloadToFileAsync(key, path, t), ct);

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        // The listing as a whole is one call to the breaker: its first page decides whether the store answers.
        var keys = await CallAsync(async t =>
        {
            var all = new List<string>();
            await foreach (var key in inner.ListAsync(prefix, t).ConfigureAwait(false)) all.Add(key);
            return all;
        }, ct).ConfigureAwait(false);
        foreach (var key in keys) yield return key;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) =>
        CallAsync(t => inner.DeleteAsync(key, t), ct);

    public Task DeletePrefixAsync(string prefix, CancellationToken ct = default) =>
        CallAsync(t => inner.DeletePrefixAsync(prefix, t), ct);

    public long? AvailableBytes() => inner.AvailableBytes();

    /// <summary>A call through the breaker; an outage of the store leaves as storage-unavailable (<see cref="StorageOutage"/>).</summary>
    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) => Guarded(breaker, call, ct);

    private Task CallAsync(Func<CancellationToken, Task> call, CancellationToken ct) =>
        Guarded(breaker, async t => { await call(t).ConfigureAwait(false); return true; }, ct);

    private static async Task<T> Guarded<T>(DependencyBreaker breaker, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await breaker.ExecuteAsync(call, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AudioGrainsException && !ct.IsCancellationRequested && StorageOutage.Is(e))
        {
            throw StorageOutage.Unavailable(breaker.Dependency, e);
        }
    }

    private sealed class BreakingWrite(IBlobWrite inner, DependencyBreaker breaker) : IBlobWrite
    {
        public Stream Stream => inner.Stream;

        public Task CommitAsync(CancellationToken ct = default) =>
            Guarded(breaker, async t => { await inner.CommitAsync(t).ConfigureAwait(false); return true; }, ct);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public void Dispose() => inner.Dispose();
    }
}
