using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Storage;
using AudioGrains.Grains.Telemetry;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Where chunk and segment grains run their work: on the thread pool behind the silo's CPU limit, counted in
/// <see cref="ChunkActivity"/> while it runs, after the <see cref="IWorkInterceptor"/>, under the call's cancellation,
/// in a span of its own and timed in <see cref="WorkMetrics"/>. A write that found the disk full fails with the code
/// insufficient-disk, naming the silo. An outage of the blob store met below the store's own calls (a read stream cut
/// mid-way) leaves as storage-unavailable, as the store's calls already do: the job's grain waits for the store on that
/// code whatever exception types the caller's serializer admits, and the message names no address or key.
/// </summary>
public sealed class WorkRunner(CpuWorkLimiter limiter, ChunkActivity activity, IWorkInterceptor interceptor, WorkMetrics metrics, SiloIdentity silo)
{
    public string Silo => silo.Name;

    public async Task RunAsync(WorkItem item, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var span = AudioGrainsTelemetry.Source.StartActivity($"{item.Kind} {item.Index}".ToLowerInvariant());
        span?.SetTag("audiograins.job_id", item.JobId);
        span?.SetTag("audiograins.chunk", item.Index);
        using var running = activity.Track(item.JobId);
        var watch = Stopwatch.StartNew();
        try
        {
            await limiter.RunAsync(async token =>
            {
                await interceptor.BeforeAsync(item, token).ConfigureAwait(false);
                await work(token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            metrics.Completed(item.Kind, watch.Elapsed);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            metrics.Failed(item.Kind);
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (IsDiskFull(e))
                throw new AudioGrainsException(ErrorCodes.InsufficientDisk,
                    $"no space left on silo {silo.Name}'s disk for {item.Kind.ToString().ToLowerInvariant()} {item.Index} of job {item.JobId}");
            if (e is not AudioGrainsException && StorageOutage.Is(e)) throw StorageOutage.Unavailable(null, e);
            throw;
        }
    }

    /// <summary>A write that found the disk full: ENOSPC (28) as the HResult .NET gives an IOException on Unix, or its message elsewhere.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult == 28 || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                                || io.HResult == unchecked((int)0x80070070));
}
