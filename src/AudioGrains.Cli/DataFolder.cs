namespace AudioGrains.Cli;

/// <summary>
/// The embedded cluster's working folder: --data-dir, else AUDIOGRAINS_DATA_DIR, else a temporary folder of our own.
/// A folder of our own is removed afterwards; a folder the user names is left, emptied of our jobs.
/// </summary>
public sealed class DataFolder : IDisposable
{
    private readonly bool _owned;

    public DataFolder(string? configured)
    {
        configured ??= Environment.GetEnvironmentVariable("AUDIOGRAINS_DATA_DIR") is { Length: > 0 } env ? env : null;
        _owned = configured is null;
        // A folder named by the user is checked first: a file or a read-only place failed later as processing-failed, "The file ... already exists".
        if (configured is not null) OutputFile.CheckFolderWritable(System.IO.Path.GetFullPath(configured));
        Path = configured ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"audiograins-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_owned && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
