using AudioGrains.Abstractions;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace AudioGrains.Grains.Tests;

/// <summary>The circuit breaker in front of a blob store that keeps failing: calls fail fast, then one probes, and it says so.</summary>
public sealed class BreakingBlobStoreTests
{
    [Fact]
    public async Task A_store_that_keeps_failing_is_not_called_while_the_circuit_is_open_and_is_probed_after_the_break()
    {
        var clock = new FakeTimeProvider();
        var log = new LineLogger();
        var inner = new FlakyStore { Failing = true };
        var store = new BreakingBlobStore(inner, new DependencyBreaker("s3", log, clock: clock));

        for (var i = 0; i < 4; i++) await Assert.ThrowsAsync<IOException>(() => store.LengthAsync("jobs/a/input"));
        Assert.Equal(4, inner.Calls);
        Assert.Contains(log.Lines, l => l.StartsWith("Warning: Circuit to s3 opened", StringComparison.Ordinal));

        // Open: fails at once, the store is not reached; the failure leaves as the store's outage, code included.
        for (var i = 0; i < 10; i++)
        {
            var open = await Assert.ThrowsAsync<AudioGrainsException>(() => store.LengthAsync("jobs/a/input"));
            Assert.Equal(ErrorCodes.StorageUnavailable, open.Code);
            Assert.Contains("circuit is open", open.Message);
        }
        Assert.Equal(ErrorCodes.StorageUnavailable, (await Assert.ThrowsAsync<AudioGrainsException>(() => store.Create("jobs/a/out").CommitAsync())).Code);
        Assert.Equal(4, inner.Calls);

        // After the break one call probes; the store answers again, so the circuit closes.
        inner.Failing = false;
        clock.Advance(DependencyBreaker.BreakDuration + TimeSpan.FromMilliseconds(1));
        Assert.Equal(7, await store.LengthAsync("jobs/a/input"));
        Assert.Equal(5, inner.Calls);
        Assert.Contains(log.Lines, l => l.StartsWith("Information: Circuit to s3 closed", StringComparison.Ordinal));
        Assert.Equal(7, await store.LengthAsync("jobs/a/input"));
    }

    [Fact]
    public async Task Missing_blobs_and_cancellations_do_not_open_the_circuit()
    {
        var inner = new FlakyStore { Missing = true };
        var store = new BreakingBlobStore(inner, new DependencyBreaker("s3", new LineLogger(), clock: new FakeTimeProvider()));

        for (var i = 0; i < 20; i++) await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync("jobs/a/missing"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        for (var i = 0; i < 20; i++) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.DeleteAsync("jobs/a/x", cancelled.Token));

        Assert.Equal(20, inner.Calls);
        inner.Missing = false;
        Assert.Equal(7, await store.LengthAsync("jobs/a/input"));
    }

    private sealed class FlakyStore : IBlobStore
    {
        public bool Failing { get; set; }
        public bool Missing { get; set; }
        public int Calls { get; private set; }

        private Task<T> Answer<T>(string key, T value)
        {
            Calls++;
            if (Failing) throw new IOException("connection refused");
            if (Missing) throw new BlobNotFoundException(key);
            return Task.FromResult(value);
        }

        public async Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default) =>
            await Answer<Stream>(key, new MemoryStream());
        public async Task<long?> LengthAsync(string key, CancellationToken ct = default) => await Answer<long?>(key, 7);
        public IBlobWrite Create(string key) => new Write(this, key);
        public Task PutFileAsync(string key, string path, CancellationToken ct = default) => Answer(key, 0);
        public Task DownloadToFileAsync(string key, string path, CancellationToken ct = default) => Answer(key, 0);
        public async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            yield return await Answer(prefix, prefix + "/a");
        }
        public Task DeleteAsync(string key, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            return Answer(key, 0);
        }
        public Task DeletePrefixAsync(string prefix, CancellationToken ct = default) => Answer(prefix, 0);
        public long? AvailableBytes() => null;

        private sealed class Write(FlakyStore store, string key) : IBlobWrite
        {
            public Stream Stream { get; } = new MemoryStream();
            public Task CommitAsync(CancellationToken ct = default) => store.Answer(key, 0);
            public ValueTask DisposeAsync() => default;
            public void Dispose() { }
        }
    }
}
