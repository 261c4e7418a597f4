using System.Runtime.CompilerServices;

namespace AudioGrains.Storage;

/// <summary>
/// A blob store in a folder: local disk for the embedded mode, or a volume every silo mounts. A blob is a file, written
/// under a temporary name and renamed into place. ffmpeg reads and writes its files in place (BlobStaging
/// copies nothing for this store).
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>The file that holds a blob (whether or not it exists). For staging and tests only.</summary>
    internal string FileOf(string key) => Path.Combine(_root, BlobKeys.Validate(key).Replace('/', Path.DirectorySeparatorChar));

    public Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FileStream file;
        try
        {
            file = new FileStream(FileOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(key, e);
        }
        file.Position = Math.Min(offset, file.Length);
        Stream stream = length is { } n ? new BlobRange(file, n) : file;
        return Task.FromResult(stream);
    }

    public Task<long?> LengthAsync(string key, CancellationToken ct = default)
    {
        var file = new FileInfo(FileOf(key));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public IBlobWrite Create(string key) => new FileBlobWrite(FileOf(key));

    public Task PutFileAsync(string key, string path, CancellationToken ct = default)
    {
        var target = FileOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempName(target);
        try
        {
            File.Copy(path, temp);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
        return Task.CompletedTask;
    }

    /// <summary>Moves a local file on the same volume into place as a blob: a rename, no copy (staged ffmpeg outputs).</summary>
    internal void MoveFileIn(string key, string path)
    {
        var target = FileOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(path, target, overwrite: true);
    }

    public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default)
    {
        try
        {
            File.Copy(FileOf(key), path, overwrite: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(key, e);
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.CompletedTask;
        // The folder to walk: the prefix's own folder part ("jobs/ab" walks "jobs").
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder)) yield break;
        var keys = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !IsTemporary(k))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ct.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        TryDelete(FileOf(key));
        return Task.CompletedTask;
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        var path = FileOf(prefix);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        TryDelete(path);
        return Task.CompletedTask;
    }

    public long? AvailableBytes() => new DriveInfo(_root).AvailableFreeSpace;

    /// <summary>Dot-prefixed and random: never listed, never mistaken for a blob, never shared by two writers.</summary>
    internal static string TempName(string target) => Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    private static bool IsTemporary(string key) => key[(key.LastIndexOf('/') + 1)..].StartsWith('.') && key.EndsWith(".tmp", StringComparison.Ordinal);

    internal static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary name harms nothing.
        }
    }

    /// <summary>A write to a temporary file beside the blob, renamed into place on commit.</summary>
    private sealed class FileBlobWrite : IBlobWrite
    {
        private readonly string _target;
        private readonly string _temp;
        private readonly FileStream _stream;
        private bool _committed;

        public FileBlobWrite(string target)
        {
            _target = target;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            _temp = TempName(target);
            _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }

        public Stream Stream => _stream;

        public async Task CommitAsync(CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            await _stream.FlushAsync(ct).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            File.Move(_temp, _target, overwrite: true);
            _committed = true;
        }

        public void Dispose()
        {
            _stream.Dispose();
            if (!_committed) TryDelete(_temp);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
