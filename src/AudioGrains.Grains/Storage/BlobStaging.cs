using AudioGrains.Abstractions;
using AudioGrains.Storage;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Storage;

/// <summary>
/// Local files for the tools that need one (ffmpeg reads seekable inputs and writes its outputs to files). A folder
/// store lends its own files, so nothing is copied; any other store is staged in this silo's private temp folder
/// (free space checked first), and every staged file is removed when disposed, whatever happened.
/// </summary>
public sealed class BlobStaging(IBlobStore store, IOptions<ProcessingOptions> options)
{
    /// <summary>Room kept free in the temp folder beyond what a staged file needs.</summary>
    private const long Headroom = 64L * 1024 * 1024;

    /// <summary>
    /// This process's own folder inside the configured one (<see cref="OwnedTempFolder"/>): what a killed silo was
    /// staging is deleted when a silo next starts on the same folder.
    /// </summary>
    public string TempDirectory { get; } = OwnedTempFolder.Claim(string.IsNullOrWhiteSpace(options.Value.TempDirectory)
        ? Path.Combine(Path.GetTempPath(), "audiograins")
        : options.Value.TempDirectory);

    /// <summary>A local file with the blob's content, to read.</summary>
    public async Task<StagedFile> InputAsync(string key, CancellationToken ct)
    {
        if (store is FileSystemBlobStore folder)
        {
            var own = folder.FileOf(key);
            return File.Exists(own) ? new StagedFile(own, owned: false) : throw new BlobNotFoundException(key);
        }
        var length = await store.LengthAsync(key, ct).ConfigureAwait(false) ?? throw new BlobNotFoundException(key);
        var path = TempPath(key);
        RequireRoom(length);
        var staged = new StagedFile(path, owned: true);
        try
        {
            await store.DownloadToFileAsync(key, path, ct).ConfigureAwait(false);
            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    /// <summary>A local file to write that becomes the blob on <see cref="StagedOutput.CommitAsync"/>; nothing is left if it is not committed.</summary>
    public StagedOutput Output(string key)
    {
        if (store is FileSystemBlobStore folder)
        {
            // In the blob's own folder: committing is a rename.
            var target = folder.FileOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = FileSystemBlobStore.TempName(target);
            return new StagedOutput(temp, ct =>
            {
                folder.MoveFileIn(key, temp);
                return Task.CompletedTask;
            });
        }
        var path = TempPath(key);
        return new StagedOutput(path, ct => store.PutFileAsync(key, path, ct));
    }

    private string TempPath(string key)
    {
        Directory.CreateDirectory(TempDirectory);
        var name = key[(key.LastIndexOf('/') + 1)..];
        return Path.Combine(TempDirectory, $"{Guid.NewGuid():N}-{name}");
    }

    private void RequireRoom(long bytes)
    {
        var free = new DriveInfo(TempDirectory).AvailableFreeSpace;
        if (free < bytes + Headroom)
            throw new AudioGrainsException(ErrorCodes.InsufficientDisk,
                $"not enough free space in the silo's temp folder for a {bytes / (1024 * 1024)} MB file ({free / (1024 * 1024)} MB free)");
    }
}

/// <summary>A local copy of a blob (or the blob's own file), for reading; a copy is deleted when disposed.</summary>
public sealed class StagedFile(string path, bool owned) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        if (owned) FileSystemBlobStore.TryDelete(Path);
    }
}

/// <summary>A local file that becomes a blob when committed; deleted when disposed uncommitted.</summary>
public sealed class StagedOutput(string path, Func<CancellationToken, Task> commit) : IDisposable
{
    private bool _committed;

    public string Path { get; } = path;

    public async Task CommitAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await commit(ct).ConfigureAwait(false);
        _committed = true;
    }

    public void Dispose()
    {
        // A folder store's commit moved the file; another store's copy is removed now.
        if (!_committed || File.Exists(Path)) FileSystemBlobStore.TryDelete(Path);
    }
}
