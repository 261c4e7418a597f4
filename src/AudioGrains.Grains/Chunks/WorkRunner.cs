namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Where chunk and segment grains run their work: on the thread pool behind the silo's CPU limit, counted in
/// <see cref="ChunkActivity"/> while it runs, after the <see cref="IWorkInterceptor"/>, under the call's cancellation.
/// </summary>
public sealed class WorkRunner(CpuWorkLimiter limiter, ChunkActivity activity, IWorkInterceptor interceptor, SiloIdentity silo)
{
    public string Silo => silo.Name;

    public async Task RunAsync(WorkItem item, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var running = activity.Track(item.JobId);
        await limiter.RunAsync(async token =>
        {
            await interceptor.BeforeAsync(item, token).ConfigureAwait(false);
            await work(token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}
