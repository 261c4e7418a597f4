using AudioGrains.Testing;

namespace AudioGrains.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do; each backend runs all of it (a subclass per backend). xUnit makes
/// a new instance per test, so each test has a store of its own (its own folder, or its own bucket).
/// </summary>
public abstract class BlobStoreContract : IDisposable
{
    protected const long MiB = 1024 * 1024;

    protected TempFolder Temp { get; } = new();

    /// <summary>A store for this test; every call gives a store over the same blobs.</summary>
    protected abstract IBlobStore CreateStore(long partSizeBytes = 5 * MiB, int listPageSize = 1000);

    /// <summary>Fails if the store kept anything of a write that did not happen (temporary files, pending uploads).</summary>
    protected abstract Task AssertNoLeftoversAsync();

    private IBlobStore? _store;

    protected IBlobStore Store => _store ??= CreateStore();

    protected async Task PutAsync(string key, byte[] bytes, IBlobStore? store = null)
    {
        await using var write = (store ?? Store).Create(key);
        await write.Stream.WriteAsync(bytes);
        await write.CommitAsync();
    }

    protected async Task<byte[]> ReadAsync(string key, long offset = 0, long? length = null)
    {
        await using var stream = await Store.OpenReadAsync(key, offset, length);
        return await RandomData.ReadAllAsync(stream);
    }

    protected async Task<List<string>> ListAsync(string prefix, IBlobStore? store = null)
    {
        var keys = new List<string>();
        await foreach (var key in (store ?? Store).ListAsync(prefix)) keys.Add(key);
        return keys;
    }

    [Fact]
    public async Task A_committed_blob_reads_back_byte_for_byte()
    {
        var bytes = RandomData.Bytes(100_003, seed: 1);
        await PutAsync("jobs/j1/input", bytes);

        Assert.Equal(bytes, await ReadAsync("jobs/j1/input"));
        Assert.Equal(bytes.Length, await Store.LengthAsync("jobs/j1/input"));
        Assert.Equal(["jobs/j1/input"], await ListAsync("jobs/"));
    }

    [Fact]
    public async Task An_empty_blob_is_a_blob()
    {
        await PutAsync("jobs/j1/empty", []);
        Assert.Equal(0, await Store.LengthAsync("jobs/j1/empty"));
        Assert.Empty(await ReadAsync("jobs/j1/empty"));
        Assert.Empty(await ReadAsync("jobs/j1/empty", 0, 10));
    }

    [Theory]
    [InlineData(0, 100)]           // start
    [InlineData(0, -1)]            // whole
    [InlineData(4321, 1234)]       // middle
    [InlineData(4321, -1)]         // from the middle to the end
    [InlineData(9900, 100)]        // the last bytes exactly
    [InlineData(9950, 100)]        // runs past the end: what there is
    [InlineData(9999, 1)]          // the last byte
    [InlineData(10_000, 10)]       // at the end: nothing
    [InlineData(10_000, -1)]
    [InlineData(25_000, 10)]       // past the end: nothing
    [InlineData(25_000, -1)]
    [InlineData(3000, 0)]          // length 0: nothing
    [InlineData(0, 0)]
    public async Task Ranged_reads_return_exactly_the_bytes_in_range(long offset, long length)
    {
        var bytes = RandomData.Bytes(10_000, seed: 2);
        await PutAsync("jobs/j1/pcm", bytes);

        var got = await ReadAsync("jobs/j1/pcm", offset, length < 0 ? null : length);

        var start = (int)Math.Min(offset, bytes.Length);
        var end = length < 0 ? bytes.Length : (int)Math.Min(offset + length, bytes.Length);
        Assert.Equal(bytes[start..Math.Max(start, end)], got);
    }

    [Fact]
    public async Task A_missing_blob_has_no_length_and_cannot_be_read_or_downloaded()
    {
        await PutAsync("jobs/j1/other", [1, 2, 3]);
        Assert.Null(await Store.LengthAsync("jobs/j1/missing"));
        Assert.Null(await Store.LengthAsync("nowhere/at/all"));

        var e = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("jobs/j1/missing"));
        Assert.Equal("jobs/j1/missing", e.Key);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("jobs/j1/missing", 10, 20));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("jobs/j1/missing", 0, 0));

        var target = Temp.File("download");
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.DownloadToFileAsync("jobs/j1/missing", target));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_write_not_committed_is_invisible_and_leaves_nothing()
    {
        var write = Store.Create("jobs/j1/half");
        await write.Stream.WriteAsync(RandomData.Bytes(200_000, seed: 3));
        await write.Stream.FlushAsync();
        Assert.Null(await Store.LengthAsync("jobs/j1/half"));
        Assert.Empty(await ListAsync(""));
        await write.DisposeAsync();

        Assert.Null(await Store.LengthAsync("jobs/j1/half"));
        Assert.Empty(await ListAsync(""));
        await AssertNoLeftoversAsync();

        // The synchronous Dispose too.
        using (var sync = Store.Create("jobs/j1/half")) sync.Stream.Write([1, 2, 3]);
        Assert.Empty(await ListAsync(""));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task A_commit_replaces_the_earlier_blob_and_leaves_nothing_else()
    {
        await PutAsync("jobs/j1/output", RandomData.Bytes(50_000, seed: 4));
        var second = RandomData.Bytes(1_234, seed: 5);
        await PutAsync("jobs/j1/output", second);

        Assert.Equal(second, await ReadAsync("jobs/j1/output"));
        Assert.Equal(second.Length, await Store.LengthAsync("jobs/j1/output"));
        Assert.Equal(["jobs/j1/output"], await ListAsync(""));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task A_small_file_is_put_whole_and_left_in_place()
    {
        var path = Temp.File("small");
        var hash = await RandomData.WriteFileAsync(path, 1 * MiB + 17, seed: 6);

        await Store.PutFileAsync("jobs/j1/input", path);

        Assert.True(File.Exists(path));
        Assert.Equal(1 * MiB + 17, await Store.LengthAsync("jobs/j1/input"));
        await using var read = await Store.OpenReadAsync("jobs/j1/input");
        Assert.Equal(hash, (await RandomData.HashAsync(read)).Hash);
    }

    [Fact]
    public async Task A_file_larger_than_a_part_is_put_in_parts_and_reads_back_whole()
    {
        var store = CreateStore(partSizeBytes: 5 * MiB);
        var path = Temp.File("large");
        const long size = 12 * MiB + 12_345; // parts of 5, 5 and 2 MiB
        var hash = await RandomData.WriteFileAsync(path, size, seed: 7);

        await store.PutFileAsync("jobs/j1/pcm", path);

        Assert.Equal(size, await store.LengthAsync("jobs/j1/pcm"));
        await using (var read = await store.OpenReadAsync("jobs/j1/pcm"))
        {
            var (got, length) = await RandomData.HashAsync(read);
            Assert.Equal(size, length);
            Assert.Equal(hash, got);
        }
        // A range across the first part boundary.
        await using (var range = await store.OpenReadAsync("jobs/j1/pcm", 5 * MiB - 100, 200))
        {
            var expected = new byte[200];
            await using var file = File.OpenRead(path);
            file.Position = 5 * MiB - 100;
            file.ReadExactly(expected);
            Assert.Equal(expected, await RandomData.ReadAllAsync(range));
        }
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task A_blob_downloads_into_a_file_replacing_it()
    {
        var bytes = RandomData.Bytes(300_001, seed: 8);
        await PutAsync("jobs/j1/output", bytes);
        var target = Temp.File("output.bin");
        await File.WriteAllBytesAsync(target, RandomData.Bytes(900_000, seed: 9)); // longer: must be truncated

        await Store.DownloadToFileAsync("jobs/j1/output", target);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(target));
    }

    private static readonly string[] Neighbours = ["jobs/a/x", "jobs/a/y/z", "jobs/ab/x", "jobs/a-b", "jobs/b/x", "other"];

    [Fact]
    public async Task Listing_is_by_plain_string_prefix_in_ordinal_order()
    {
        foreach (var key in Neighbours) await PutAsync(key, [1]);

        // '-' (0x2D) < '/' (0x2F) < 'b' (0x62): ordinal, not folder by folder.
        Assert.Equal(["jobs/a-b", "jobs/a/x", "jobs/a/y/z", "jobs/ab/x"], await ListAsync("jobs/a"));
        Assert.Equal(["jobs/a/x", "jobs/a/y/z"], await ListAsync("jobs/a/"));
        Assert.Equal(["jobs/a/y/z"], await ListAsync("jobs/a/y"));
        Assert.Equal(["jobs/a-b", "jobs/a/x", "jobs/a/y/z", "jobs/ab/x", "jobs/b/x", "other"], await ListAsync(""));
        Assert.Empty(await ListAsync("jobs/c"));
        Assert.Empty(await ListAsync("nothing/"));
    }

    /// <summary>
    /// The keys sort the same as s3rver's folder walk: s3rver 3.7.1 pages in walk order and resumes after the last
    /// key by comparison, so with neighbours such as "jobs/a/x" and "jobs/a-b" its second page loses keys. Real S3
    /// pages in key order.
    /// </summary>
    [Fact]
    public async Task Listing_and_deleting_go_past_one_page()
    {
        var store = CreateStore(listPageSize: 7);
        var keys = Enumerable.Range(0, 30).Select(i => $"jobs/p/chunk-{i:D3}").ToList();
        foreach (var key in keys) await PutAsync(key, [(byte)key.Length], store);
        await PutAsync("jobs/q/keep", [2], store);

        Assert.Equal(keys, await ListAsync("jobs/p/", store));

        await store.DeletePrefixAsync("jobs/p");
        Assert.Equal(["jobs/q/keep"], await ListAsync("", store));
    }

    [Fact]
    public async Task Delete_prefix_removes_what_is_under_it_and_keeps_the_neighbours()
    {
        foreach (var key in Neighbours) await PutAsync(key, [1]);

        await Store.DeletePrefixAsync("jobs/a");

        Assert.Equal(["jobs/a-b", "jobs/ab/x", "jobs/b/x", "other"], await ListAsync(""));
        Assert.Null(await Store.LengthAsync("jobs/a/x"));
        Assert.Equal(1, await Store.LengthAsync("jobs/ab/x"));
    }

    [Fact]
    public async Task Delete_prefix_removes_the_blob_named_by_it_and_minds_no_absence()
    {
        await PutAsync("jobs/j1/output", [1, 2]);
        await PutAsync("jobs/j1/output-2", [3]);

        await Store.DeletePrefixAsync("jobs/j1/output");
        await Store.DeletePrefixAsync("jobs/never");

        Assert.Equal(["jobs/j1/output-2"], await ListAsync(""));
    }

    [Fact]
    public async Task Delete_removes_one_blob_and_minds_no_absence()
    {
        await PutAsync("jobs/j1/a", [1]);
        await PutAsync("jobs/j1/b", [2]);

        await Store.DeleteAsync("jobs/j1/a");
        await Store.DeleteAsync("jobs/j1/a");
        await Store.DeleteAsync("jobs/never/x");

        Assert.Equal(["jobs/j1/b"], await ListAsync(""));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("jobs/../../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a/./b")]
    [InlineData("trailing/")]
    [InlineData("")]
    public async Task Invalid_keys_are_refused(string key)
    {
        var file = Temp.File("some-file");
        await File.WriteAllBytesAsync(file, [1]);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.LengthAsync(key));
        Assert.ThrowsAny<ArgumentException>(() => Store.Create(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutFileAsync(key, file));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DownloadToFileAsync(key, Temp.File("target")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeletePrefixAsync(key));
        Assert.Empty(await ListAsync(""));
        Assert.False(File.Exists(Temp.File("target")));
    }

    [Fact]
    public async Task A_large_blob_streams_through_with_flat_memory()
    {
        const long size = 64 * MiB;
        var store = CreateStore(partSizeBytes: 16 * MiB);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var peakHeap = heapBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });

        byte[] written;
        await using (var write = store.Create("jobs/big/pcm"))
        {
            written = await RandomData.WriteAsync(write.Stream, size, seed: 10);
            await write.CommitAsync();
        }
        (byte[] Hash, long Length) read;
        await using (var stream = await store.OpenReadAsync("jobs/big/pcm"))
            read = await RandomData.HashAsync(stream);
        byte[] tail;
        await using (var stream = await store.OpenReadAsync("jobs/big/pcm", size - 10))
            tail = await RandomData.ReadAllAsync(stream);

        stop.Cancel();
        await sampler;
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));

        Assert.Equal(size, read.Length);
        Assert.Equal(written, read.Hash);
        Assert.Equal(size, await store.LengthAsync("jobs/big/pcm"));
        Assert.Equal(10, tail.Length);
        var growth = peakHeap - heapBefore;
        Assert.True(growth < 40 * MiB, $"the managed heap grew by {growth / (double)MiB:F1} MiB while 64 MiB went through");
        await AssertNoLeftoversAsync();
    }

    public virtual void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
