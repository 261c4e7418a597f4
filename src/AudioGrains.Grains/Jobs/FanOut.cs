using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Runs one pass over a job's chunks or segments: the items not yet recorded complete, a bounded number in flight,
/// each retried with exponential backoff and jitter up to a bounded number of tries (an outage of the blob store is
/// waited out without spending them: <see cref="OutageWait"/>). Completions are recorded in the
/// pass's bitmap and checkpointed in batches. On cancellation it waits (briefly) for the calls in flight to stop, so
/// nothing they write lands after the caller has cleaned up.
/// </summary>
public sealed class FanOut(IOptions<ProcessingOptions> options, ILogger<FanOut> logger)
{
    /// <summary>How long a cancelled pass waits for its calls in flight to stop.</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    /// <summary>A try that outlived <see cref="ProcessingOptions.ChunkTimeout"/>: transient, retried like any failed try.</summary>
    public static AudioGrainsException TimedOut(WorkKind kind, int index, TimeSpan timeout) =>
        new(ErrorCodes.Timeout, $"{(kind == WorkKind.Encode ? "segment" : "chunk")} {index} ({kind.ToString().ToLowerInvariant()}) did not finish within {timeout.TotalSeconds:0.###} s");

    public async Task RunAsync(string jobId, WorkKind kind, IReadOnlyList<int> items, byte[] completed,
        Func<int, CancellationToken, Task<WorkOutcome>> call, Action<WorkOutcome> onCompleted, Func<Task> checkpoint,
        Action<WorkItem, int, Exception> onTryFailed, CancellationToken ct)
    {
        var settings = options.Value;
        var lastCheckpoint = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(settings.MaxChunksInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? failure = null;

        async Task RunItemAsync(int index)
        {
            try
            {
                await inFlight.WaitAsync(stop.Token).ConfigureAwait(true);
                try
                {
                    var outage = new OutageWait();
                    for (var attempt = 1; ; attempt++)
                    {
                        using var tryTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                        tryTimeout.CancelAfter(settings.ChunkTimeout);
                        try
                        {
                            WorkOutcome outcome;
                            try
                            {
                                outcome = await call(index, tryTimeout.Token).ConfigureAwait(true);
                            }
                            catch (OperationCanceledException) when (tryTimeout.IsCancellationRequested && !stop.IsCancellationRequested)
                            {
                                throw TimedOut(kind, index, settings.ChunkTimeout);
                            }
                            CompletionBitmap.Set(completed, index);
                            onCompleted(outcome);
                            break;
                        }
                        catch (Exception e) when (!stop.IsCancellationRequested && StorageOutage.Is(e) && outage.Next(settings) is { } wait)
                        {
                            // The store's outage, not the item's fault: not a try. The breaker logs the outage itself.
                            attempt--;
                            logger.LogDebug("{Kind} {Index} of job {JobId} waits {DelayMs:F0} ms for the blob store ({Failures} failures in a row): {Error}",
                                kind, index, jobId, wait.TotalMilliseconds, outage.Failures, e.Message);
                            await Task.Delay(wait, stop.Token).ConfigureAwait(true);
                        }
                        catch (Exception e) when (!stop.IsCancellationRequested && attempt < settings.MaxChunkAttempts)
                        {
                            var delay = RetryDelay.For(attempt, settings.RetryBaseDelay, settings.RetryMaxDelay);
                            onTryFailed(new WorkItem(jobId, kind, index), attempt, e);
                            logger.LogWarning("{Kind} {Index} of job {JobId} failed (attempt {Attempt}), retrying in {DelayMs:F0} ms: {Error}",
                                kind, index, jobId, attempt, delay.TotalMilliseconds, e.Message);
                            await Task.Delay(delay, stop.Token).ConfigureAwait(true);
                        }
                    }
                    // Outside the tries: a checkpoint that fails is the state store's failure, not this item's (the item is
                    // done); it ends the pass, and the job waits for its store without counting a try.
                    if (lastCheckpoint.Elapsed >= settings.CheckpointInterval)
                    {
                        lastCheckpoint.Restart();
                        await checkpoint().ConfigureAwait(true);
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Out of tries (or the checkpoint failed): the pass fails, and the other items stop.
                failure ??= e;
                await stop.CancelAsync().ConfigureAwait(true);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopped: by the caller, or by another item's failure.
            }
        }

        var all = Task.WhenAll(items.Where(i => !CompletionBitmap.IsSet(completed, i)).Select(RunItemAsync).ToList());
        await Task.WhenAny(all, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(true);
        // Stopped: calls that ignore their cancellation get a few seconds; they are abandoned after that.
        if (!all.IsCompleted) await Task.WhenAny(all, Task.Delay(StopWait, CancellationToken.None)).ConfigureAwait(true);
        ct.ThrowIfCancellationRequested();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }
}
