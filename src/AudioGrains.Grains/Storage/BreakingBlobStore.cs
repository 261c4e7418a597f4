using System.Runtime.CompilerServices;
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
        breaker.ExecuteAsync(t => inner.OpenReadAsync(key, offset, length, t), ct);

    public Task<long?> LengthAsync(string key, CancellationToken ct = default) =>
        breaker.ExecuteAsync(t => inner.LengthAsync(key, t), ct);

    public IBlobWrite Create(string key) => new BreakingWrite(inner.Create(key), breaker);

    public Task PutFileAsync(string key, string path, CancellationToken ct = default) =>
        breaker.ExecuteAsync(t => inner.PutFileAsync(key, path, t), ct);

    public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default) =>
        breaker.ExecuteAsync(t => inner.DownloadToFileAsync(key, path, t), ct);

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        // The listing as a whole is one call to the breaker: its first page decides whether the store answers.
        var keys = await breaker.ExecuteAsync(async t =>
        {
            var all = new List<string>();
            await foreach (var key in inner.ListAsync(prefix, t).ConfigureAwait(false)) all.Add(key);
            return all;
        }, ct).ConfigureAwait(false);
        foreach (var key in keys) yield return key;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) =>
        breaker.ExecuteAsync(t => inner.DeleteAsync(key, t), ct);

    public Task DeletePrefixAsync(string prefix, CancellationToken ct = default) =>
        breaker.ExecuteAsync(t => inner.DeletePrefixAsync(prefix, t), ct);

    public long? AvailableBytes() => inner.AvailableBytes();

    private sealed class BreakingWrite(IBlobWrite inner, DependencyBreaker breaker) : IBlobWrite
    {
        public Stream Stream => inner.Stream;

        public Task CommitAsync(CancellationToken ct = default) => breaker.ExecuteAsync(t => inner.CommitAsync(t), ct);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public void Dispose() => inner.Dispose();
    }
}
