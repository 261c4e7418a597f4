using System.Diagnostics.Metrics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Telemetry;
using AudioGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace AudioGrains.Grains.Tests;

/// <summary>
/// What a chunk or segment grain's work throws must reach the job grain, on another silo, as what it was: an outage of
/// the store met in the middle of a read has to arrive as storage-unavailable, or the job spends the work's tries on it.
/// </summary>
public sealed class WorkRunnerTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static TheoryData<Exception> CutsMidStream => new()
    {
        new IOException("S3 read of \"jobs/j/chunks/3/pcm\" failed", new HttpIOException(HttpRequestError.ResponseEnded, "response ended early")),
        new BlobStoreUnavailableException("S3 read failed", new HttpRequestException("Connection refused (127.0.0.1:9)")),
    };

    [Theory]
    [MemberData(nameof(CutsMidStream))]
    public async Task An_outage_met_inside_the_work_leaves_as_storage_unavailable_and_crosses_a_grain_call(Exception cut)
    {
        var error = await Assert.ThrowsAsync<AudioGrainsException>(() => Run(_ => throw cut));
        Assert.Equal(ErrorCodes.StorageUnavailable, error.Code);
        Assert.DoesNotContain("127.0.0.1", error.Message);

        var received = Serializer.Deserialize<Exception>(Serializer.SerializeToArray<Exception>(error));
        Assert.Equal(ErrorCodes.StorageUnavailable, Assert.IsType<AudioGrainsException>(received).Code);
    }

    [Fact]
    public void The_stores_own_exception_cannot_cross_a_grain_call()
    {
        // Why the runner converts it: with Orleans' defaults there is no codec for it (its namespace is ours), and a
        // silo or client configured elsewhere may not allow it.
        var raw = new BlobStoreUnavailableException("S3 read failed");
        Assert.ThrowsAny<CodecNotFoundException>(() => Serializer.SerializeToArray<Exception>(raw));
    }

    [Fact]
    public void Silos_and_clients_let_the_products_own_exceptions_cross_with_their_type()
    {
        var serializer = new ServiceCollection().AddSerializer().AllowAudioGrainsExceptions().BuildServiceProvider().GetRequiredService<Serializer>();
        var missing = new BlobNotFoundException("jobs/j/chunks/3/pcm");
        var received = Assert.IsType<BlobNotFoundException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(missing)));
        Assert.Equal(missing.Message, received.Message);
        var cut = new BlobStoreUnavailableException("S3 read failed", new HttpRequestException("refused"));
        Assert.IsType<HttpRequestException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(cut))!.InnerException);
    }

    [Fact]
    public async Task Faults_of_the_work_leave_unchanged()
    {
        var fault = new InvalidDataException("working PCM ended before the chunk did");
        Assert.Same(fault, await Assert.ThrowsAsync<InvalidDataException>(() => Run(_ => throw fault)));
    }

    private static Task Run(Func<CancellationToken, Task> work)
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var runner = new WorkRunner(new CpuWorkLimiter(Options.Create(new ProcessingOptions())), new ChunkActivity(), new PassingInterceptor(),
            new WorkMetrics(meters.GetRequiredService<IMeterFactory>()), new SiloIdentity("test"));
        return runner.RunAsync(new WorkItem("job", WorkKind.Process, 3), work, CancellationToken.None);
    }

    private sealed class PassingInterceptor : IWorkInterceptor
    {
        public ValueTask BeforeAsync(WorkItem item, CancellationToken ct) => ValueTask.CompletedTask;
    }
}
