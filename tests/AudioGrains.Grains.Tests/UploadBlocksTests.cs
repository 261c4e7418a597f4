using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Uploads;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Tests;

public sealed class UploadBlocksTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-blocks-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Blocks_written_in_order_list_the_store_once_and_join_into_the_exact_file()
    {
        var store = new ListCountingStore(new FileSystemBlobStore(_root));
        var blocks = new UploadBlocks(store, "job1");
        var bytes = RandomBytes(200 * 1000 + 123, seed: 1);
        for (var offset = 0; offset < bytes.Length; offset += 1000)
        {
            var block = bytes[offset..Math.Min(bytes.Length, offset + 1000)];
            Assert.Equal(offset + block.Length, await blocks.WriteAsync(UploadTarget.Input, offset, block, long.MaxValue, CancellationToken.None));
        }
        Assert.Equal(1, store.Lists);

        var (length, sha256) = await blocks.JoinAsync(UploadTarget.Input, "jobs/job1/input", bytes.Length, CancellationToken.None);
        Assert.Equal(bytes.Length, length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256);
    }

    [Fact]
    public async Task A_new_instance_after_a_crash_sees_the_blocks_stored_before_it_and_closes_the_gap()
    {
        var store = new FileSystemBlobStore(_root);
        var bytes = RandomBytes(3000, seed: 2);
        var first = new UploadBlocks(store, "job2");
        Assert.Equal(1000, await first.WriteAsync(UploadTarget.Input, 0, bytes[..1000], long.MaxValue, CancellationToken.None));
        Assert.Equal(1000, await first.WriteAsync(UploadTarget.Input, 2000, bytes[2000..], long.MaxValue, CancellationToken.None));

        var second = new UploadBlocks(store, "job2");
        Assert.Equal(1000, await second.ReceivedAsync(UploadTarget.Input, CancellationToken.None));
        Assert.Equal(3000, await second.WriteAsync(UploadTarget.Input, 1000, bytes[1000..2000], long.MaxValue, CancellationToken.None));
        // A block sent again is a no-op.
        Assert.Equal(3000, await second.WriteAsync(UploadTarget.Input, 1000, bytes[1000..2000], long.MaxValue, CancellationToken.None));

        var (_, sha256) = await second.JoinAsync(UploadTarget.Input, "jobs/job2/input", bytes.Length, CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256);
        await second.DeleteAsync();
        Assert.Equal(0, await second.ReceivedAsync(UploadTarget.Input, CancellationToken.None));
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A store that counts its listings (the rest passes through).</summary>
    private sealed class ListCountingStore(IBlobStore inner) : IBlobStore
    {
        public int Lists;

        public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
        {
            Interlocked.Increment(ref Lists);
            await foreach (var key in inner.ListAsync(prefix, ct)) yield return key;
        }

        public Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default) => inner.OpenReadAsync(key, offset, length, ct);
        public Task<long?> LengthAsync(string key, CancellationToken ct = default) => inner.LengthAsync(key, ct);
        public IBlobWrite Create(string key) => inner.Create(key);
        public Task PutFileAsync(string key, string path, CancellationToken ct = default) => inner.PutFileAsync(key, path, ct);
        public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default) => inner.DownloadToFileAsync(key, path, ct);
        public Task DeleteAsync(string key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);
        public Task DeletePrefixAsync(string prefix, CancellationToken ct = default) => inner.DeletePrefixAsync(prefix, ct);
        public long? AvailableBytes() => inner.AvailableBytes();
    }
}
