namespace AudioGrains.Storage;

/// <summary>
/// Where a job's large data lives (input, working PCM, chunk outputs, output): object-shaped, so that a folder or an
/// S3 bucket can hold it. A blob appears whole or not at all; it is read whole or by range; blobs are listed and
/// deleted by prefix. Keys are '/'-separated and relative ("jobs/ab12/work/pcm.f32"). No file path crosses this
/// interface: where ffmpeg needs a file, the silo stages a private copy (BlobStaging).
/// </summary>
public interface IBlobStore
{
    /// <summary>Reads bytes [offset, offset + length) of a blob (to its end when length is null). A missing blob throws <see cref="BlobNotFoundException"/>.</summary>
    Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default);

    /// <summary>The blob's length in bytes, or null when there is no such blob.</summary>
    Task<long?> LengthAsync(string key, CancellationToken ct = default);

    /// <summary>Starts writing a blob; it appears under <paramref name="key"/> only on <see cref="IBlobWrite.CommitAsync"/>, replacing any earlier one.</summary>
    IBlobWrite Create(string key);

    /// <summary>Writes a blob from a local file (large ones in parts), atomically like <see cref="Create"/>. The file is left where it is.</summary>
    Task PutFileAsync(string key, string path, CancellationToken ct = default);

    /// <summary>Copies a blob into a local file (created or replaced).</summary>
    Task DownloadToFileAsync(string key, string path, CancellationToken ct = default);

    /// <summary>The keys of every blob whose key starts with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct = default);

    /// <summary>Deletes one blob; no error when it is not there.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>Deletes the blob named <paramref name="prefix"/> and every blob under <paramref name="prefix"/> + "/".</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken ct = default);

    /// <summary>Bytes free where new blobs are written, or null when the store has no such limit worth checking (S3).</summary>
    long? AvailableBytes();
}

/// <summary>A blob being written: visible only once committed; disposed without a commit, it leaves nothing.</summary>
public interface IBlobWrite : IAsyncDisposable, IDisposable
{
    /// <summary>Where the content goes (write-only, forward).</summary>
    Stream Stream { get; }

    Task CommitAsync(CancellationToken ct = default);
}

/// <summary>A blob that is not there.</summary>
public sealed class BlobNotFoundException(string key, Exception? inner = null)
    : FileNotFoundException($"blob \"{key}\" does not exist", inner)
{
    public string Key { get; } = key;
}

/// <summary>
/// The store did not answer: refused or reset connections, timeouts, server errors (5xx). An outage to wait out, not a
/// fault of the work that called it.
/// </summary>
public sealed class BlobStoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>Blob keys: relative, '/'-separated, no empty, "." or ".." segment, no backslash or control character.</summary>
public static class BlobKeys
{
    public static string Validate(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1024 || key.StartsWith('/') || key.EndsWith('/')
            || key.Split('/').Any(part => part is "" or "." or "..") || key.Any(c => c == '\\' || char.IsControl(c)))
            throw new ArgumentException($"invalid blob key \"{key}\"", nameof(key));
        return key;
    }
}
