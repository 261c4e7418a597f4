using AudioGrains.Abstractions;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// A job's persisted state and what the job needs around its writes: one write at a time, the status callers see as of
/// the last save (never a phase a crash could still undo), and an outage of the store waited out with a short backoff
/// (the write tried again, or the saved state read back after a conflict), logged once when it starts and once when it
/// ends. A plain class, so that tests can fail the store without a cluster.
/// </summary>
public sealed class SavedJobState(IPersistentState<JobState> state, string jobId, string siloName, ProcessingOptions options, ILogger logger)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>The status as of the last save; null until it is next asked for.</summary>
    private JobStatus? _saved;

    private int _failures;

    private DateTimeOffset _failingSince;

    public JobState State
    {
        get => state.State;
        set => state.State = value;
    }

    public bool Exists => state.RecordExists && State.Spec is not null;

    /// <summary>Saves the state; what callers see (<see cref="Status"/>) is what was last saved.</summary>
    public async Task WriteAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
            _saved = JobStatusProjection.Of(jobId, State, siloName);
            if (_failures > 0)
                logger.LogInformation("Job {JobId} saved its state again after {Failures} failed tries over {OutageS:F1} s; it goes on in phase {Phase}",
                    jobId, _failures, (DateTimeOffset.UtcNow - _failingSince).TotalSeconds, State.Phase);
            _failures = 0;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// <see cref="WriteAsync"/> for the job's loop. While the store does not answer, the write is tried again with growing
    /// pauses (up to <see cref="ProcessingOptions.StateRetryMaxDelay"/>) until it lands, so the job goes on from where it
    /// was as soon as the store is back, without running its phase again. A conflict (another writer saved since this
    /// one read) is not tried again: the state in memory is stale, and <see cref="JobStateUnavailableException"/> sends
    /// the loop to <see cref="WaitForStoreAsync"/>, which reads back what was saved.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await WriteAsync();
                return;
            }
            catch (Exception e) when (IsConflict(e))
            {
                throw new JobStateUnavailableException(e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Stopped while the write failed: the stop ends the save, not the store's error.
                ct.ThrowIfCancellationRequested();
                var delay = NoteFailure(e);
                await Task.Delay(delay, ct);
            }
        }
    }

    /// <summary>
    /// After a failed write that may have left the state in memory stale (a conflict, or a failure outside
    /// <see cref="SaveAsync"/>): waits until the saved state is read back. Until then the state in memory may hold a
    /// move that was never saved (Completed, say), and a loop going on from it would end on a phase the store never saw.
    /// </summary>
    public async Task WaitForStoreAsync(Exception error, CancellationToken ct)
    {
        var delay = NoteFailure(error);
        while (true)
        {
            await Task.Delay(delay, ct);
            try
            {
                await state.ReadStateAsync();
                _saved = null;
                return;
            }
            catch (Exception readError)
            {
                // Stopped while the read failed: the stop ends the wait, not the store's error.
                ct.ThrowIfCancellationRequested();
                _failures++;
                delay = RetryDelay();
                logger.LogDebug(readError, "Job {JobId} could not read its state; reading it again in {DelayMs:F0} ms", jobId, delay.TotalMilliseconds);
            }
        }
    }

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        _saved = null;
    }

    public JobStatus Status() => _saved ??= Exists ? JobStatusProjection.Of(jobId, State, siloName) : new JobStatus { JobId = jobId, Exists = false };

    /// <summary>Counts a failed write and returns the pause before the next try; logged once per outage at warning, then at debug.</summary>
    private TimeSpan NoteFailure(Exception error)
    {
        if (_failures++ == 0) _failingSince = DateTimeOffset.UtcNow;
        var delay = RetryDelay();
        // The recovery is logged once too (WriteAsync).
        if (_failures == 1)
            logger.LogWarning(error, "Job {JobId} could not save its state in phase {Phase}; trying again every {MaxDelayS:F0} s at most until the store answers",
                jobId, State.Phase, options.StateRetryMaxDelay.TotalSeconds);
        else
            logger.LogDebug(error, "Job {JobId} could not save its state ({Failures} in a row); trying again in {DelayMs:F0} ms",
                jobId, _failures, delay.TotalMilliseconds);
        return delay;
    }

    /// <summary>Another writer saved the state since it was read (an etag mismatch), however the provider wraps it.</summary>
    private static bool IsConflict(Exception e) => e is InconsistentStateException || e.InnerException is InconsistentStateException;

    /// <summary>The pause before the next try, growing with the failures in a row.</summary>
    private TimeSpan RetryDelay() => Chunks.RetryDelay.For(_failures, options.RetryBaseDelay, options.StateRetryMaxDelay);
}
