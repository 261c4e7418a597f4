namespace AudioGrains.Grains.Storage;

/// <summary>A blob store in a folder: local disk for the embedded mode, a shared volume for a cluster.</summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public string PathOf(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key))
            throw new ArgumentException($"invalid blob key \"{key}\"", nameof(key));
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    public string PathForWriting(string key)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public bool Exists(string key) => File.Exists(PathOf(key));

    public long Length(string key) => new FileInfo(PathOf(key)).Length;

    public Stream OpenRead(string key) =>
        new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    public AtomicBlobWrite Create(string key) => new(PathOf(key));

    public void Delete(string key)
    {
        var path = PathOf(key);
        if (File.Exists(path)) File.Delete(path);
    }

    public void DeleteTree(string prefix)
    {
        var path = PathOf(prefix);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        if (File.Exists(path)) File.Delete(path);
    }

    public long AvailableBytes() => new DriveInfo(_root).AvailableFreeSpace;
}
