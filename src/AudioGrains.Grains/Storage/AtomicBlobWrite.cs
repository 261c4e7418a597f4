namespace AudioGrains.Grains.Storage;

/// <summary>
/// A blob being written under a temporary name. Commit renames it into place, so readers
/// (and retried calls, which Orleans may deliver more than once) never see half a blob.
/// Disposing without commit deletes the temporary file.
/// </summary>
public sealed class AtomicBlobWrite : IDisposable, IAsyncDisposable
{
    private readonly string _finalPath;
    private bool _committed;

    internal AtomicBlobWrite(string finalPath)
    {
        _finalPath = finalPath;
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        TempPath = $"{finalPath}.tmp-{Guid.NewGuid():N}";
        Stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>The temporary file, for writers that need a path (ffmpeg).</summary>
    public string TempPath { get; }

    public FileStream Stream { get; }

    public void Commit()
    {
        Stream.Flush(flushToDisk: false);
        Stream.Dispose();
        File.Move(TempPath, _finalPath, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed) TryDelete(TempPath);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
