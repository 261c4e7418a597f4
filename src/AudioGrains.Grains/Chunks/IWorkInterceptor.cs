namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Runs before each unit of chunk or segment work, inside its CPU slot, so what it does counts as the work's own:
/// the place for fault injection (a failure, a delay). The silo's is <see cref="Faults.ChunkFaultInjector"/>, which does
/// nothing unless faults are configured.
/// </summary>
public interface IWorkInterceptor
{
    ValueTask BeforeAsync(WorkItem item, CancellationToken ct);
}

