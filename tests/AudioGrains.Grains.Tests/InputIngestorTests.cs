using Microsoft.Extensions.Options;
using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Tests;

public sealed class InputIngestorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-ingest-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Ingest_streams_the_input_into_the_store_with_its_sha256()
    {
        var store = new FileSystemBlobStore(_root);
        var bytes = new byte[300_000];
        new Random(1).NextBytes(bytes);
        var spec = await new InputIngestor(store, Options.Create(new ProcessingOptions { MinFreeBytes = 0 }))
            .IngestAsync("job1", new MemoryStream(bytes), "a.wav", new NormalizeOptions(), "c1", CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), spec.InputSha256);
        Assert.Equal(bytes.Length, spec.InputBytes);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_root, spec.InputKey)));
    }

    [Fact]
    public async Task Too_large_and_empty_inputs_are_refused_and_leave_nothing()
    {
        var store = new FileSystemBlobStore(_root);
        var ingestor = new InputIngestor(store, Options.Create(new ProcessingOptions { MaxInputBytes = 1000, MinFreeBytes = 0 }));
        var large = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            ingestor.IngestAsync("j", new MemoryStream(new byte[5000]), "big.wav", new NormalizeOptions(), "c", CancellationToken.None));
        Assert.Equal(ErrorCodes.TooLarge, large.Code);
        var empty = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            ingestor.IngestAsync("j", new MemoryStream([]), "empty.wav", new NormalizeOptions(), "c", CancellationToken.None));
        Assert.Equal(ErrorCodes.EmptyInput, empty.Code);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_full_disk_is_refused_before_reading()
    {
        var store = new FileSystemBlobStore(_root);
        var e = await Assert.ThrowsAsync<AudioGrainsException>(() => new InputIngestor(store, Options.Create(new ProcessingOptions { MinFreeBytes = long.MaxValue }))
            .IngestAsync("j", new MemoryStream([1]), "a.wav", new NormalizeOptions(), "c", CancellationToken.None));
        Assert.Equal(ErrorCodes.InsufficientDisk, e.Code);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }
}
