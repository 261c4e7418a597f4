using AudioGrains.Grains.Storage;

namespace AudioGrains.Grains.Tests;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-blobs-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_write_appears_only_on_commit_and_an_abandoned_write_leaves_nothing()
    {
        var store = new FileSystemBlobStore(_root);
        using (var write = store.Create("jobs/a/x"))
        {
            write.Stream.Write([1, 2, 3]);
            Assert.False(store.Exists("jobs/a/x"));
            write.Commit();
        }
        Assert.Equal(3, store.Length("jobs/a/x"));

        using (var abandoned = store.Create("jobs/a/y")) abandoned.Stream.Write([9]);
        Assert.False(store.Exists("jobs/a/y"));
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "jobs", "a")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public void Keys_cannot_leave_the_store(string key)
    {
        var store = new FileSystemBlobStore(_root);
        Assert.Throws<ArgumentException>(() => store.PathOf(key));
    }

    [Fact]
    public void Delete_tree_removes_a_job_and_nothing_else()
    {
        var store = new FileSystemBlobStore(_root);
        foreach (var key in new[] { "jobs/a/input", "jobs/a/work/pcm", "jobs/b/input" })
            using (var w = store.Create(key)) { w.Stream.WriteByte(1); w.Commit(); }
        store.DeleteTree("jobs/a");
        Assert.False(store.Exists("jobs/a/input"));
        Assert.True(store.Exists("jobs/b/input"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }
}
