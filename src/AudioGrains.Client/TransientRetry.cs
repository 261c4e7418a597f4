namespace AudioGrains.Client;

/// <summary>
/// A grain call tried again after a transient failure (a silo lost or shutting down mid-call), a bounded number of
/// times with doubling delays; an <see cref="AudioGrains.Abstractions.AudioGrainsException"/> (the job's or the
/// request's own error), a cancellation or a bad argument is not tried again.
/// </summary>
public sealed class TransientRetry(int maxAttempts, TimeSpan firstDelay)
{
    /// <summary>The client's own policy: <see cref="AudioGrainsClientOptions.MaxAttempts"/> tries from <see cref="AudioGrainsClientOptions.RetryDelay"/>.</summary>
    public static TransientRetry From(AudioGrainsClientOptions options) => new(options.MaxAttempts, options.RetryDelay);

    /// <summary>Runs <paramref name="call"/>, again after each transient failure until the tries are used up; then its last failure is thrown.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        var delay = firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not (AudioGrains.Abstractions.AudioGrainsException or OperationCanceledException or ArgumentException) && attempt < maxAttempts)
            {
                await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
    }
}
