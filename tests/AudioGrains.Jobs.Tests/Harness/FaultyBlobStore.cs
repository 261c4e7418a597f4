using System.Collections.Concurrent;
using AudioGrains.Storage;

namespace AudioGrains.Jobs.Tests.Harness;

/// <summary>A real blob store whose deletes fail under the key prefixes a test names (a store that refuses deletes for a while).</summary>
public sealed class FaultyBlobStore(IBlobStore inner) : IBlobStore
{
    /// <summary>Key prefixes under which a delete throws while they are here.</summary>
    public ConcurrentDictionary<string, bool> FailingDeletes { get; } = new();

    public Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default) =>
        inner.OpenReadAsync(key, offset, length, ct);

    public Task<long?> LengthAsync(string key, CancellationToken ct = default) => inner.LengthAsync(key, ct);

    public IBlobWrite Create(string key) => inner.Create(key);

    public Task PutFileAsync(string key, string path, CancellationToken ct = default) => inner.PutFileAsync(key, path, ct);

    public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default) => inner.DownloadToFileAsync(key, path, ct);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        ThrowIfFailing(key);
        return inner.DeleteAsync(key, ct);
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        ThrowIfFailing(prefix);
        return inner.DeletePrefixAsync(prefix, ct);
    }

    public long? AvailableBytes() => inner.AvailableBytes();

    /// <summary>Every key under the prefix, as the store lists it.</summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in inner.ListAsync(prefix)) keys.Add(key);
        return keys;
    }

    private void ThrowIfFailing(string key)
    {
        if (FailingDeletes.Keys.Any(key.StartsWith)) throw new IOException($"injected delete fault: {key}");
    }
}
