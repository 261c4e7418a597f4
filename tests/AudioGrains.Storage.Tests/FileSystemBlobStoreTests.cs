namespace AudioGrains.Storage.Tests;

/// <summary>The contract on a folder.</summary>
public sealed class FileSystemBlobStoreTests : BlobStoreContract
{
    private string Root => Path.Combine(Temp.Path, "blobs");

    protected override IBlobStore CreateStore(long partSizeBytes = 5 * MiB, int listPageSize = 1000) => new FileSystemBlobStore(Root);

    /// <summary>No file but the blobs: no temporary names left beside them.</summary>
    protected override async Task AssertNoLeftoversAsync()
    {
        var blobs = new HashSet<string>(await ListAsync(""));
        var files = Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/')).ToList()
            : [];
        Assert.All(files, f => Assert.Contains(f, blobs));
    }
}
