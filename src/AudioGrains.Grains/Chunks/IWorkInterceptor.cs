namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Runs before each unit of chunk or segment work, inside its CPU slot, so what it does counts as the work's own:
/// the place for fault injection (a failure, a delay). The silo's default does nothing.
/// </summary>
public interface IWorkInterceptor
{
    ValueTask BeforeAsync(WorkItem item, CancellationToken ct);
}

/// <summary>The default: no faults.</summary>
public sealed class NoWorkInterceptor : IWorkInterceptor
{
    public ValueTask BeforeAsync(WorkItem item, CancellationToken ct) => ValueTask.CompletedTask;
}
