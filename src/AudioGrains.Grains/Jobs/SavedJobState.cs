using AudioGrains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// A job's persisted state and what the job needs around its writes: one write at a time, the status callers see as of
/// the last save (never a phase a crash could still undo), and an outage of the store waited out with a short backoff,
/// logged once when it starts and once when it ends. A plain class so that tests can fail the store without a cluster.
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

    /// <summary><see cref="WriteAsync"/> for the job's loop: a failure is the store's, not the phase's.</summary>
    public async Task SaveAsync()
    {
        try
        {
            await WriteAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new JobStateUnavailableException(e);
        }
    }

    /// <summary>
    /// After a failed write: waits (growing pauses up to <see cref="ProcessingOptions.StateRetryMaxDelay"/>) until the
    /// saved state is read back. Until then the state in memory may hold a move that was never saved (Completed, say),
    /// and a loop going on from it would end on a phase the store never saw.
    /// </summary>
    public async Task WaitForStoreAsync(Exception error, CancellationToken ct)
    {
        if (_failures++ == 0) _failingSince = DateTimeOffset.UtcNow;
        var delay = RetryDelay();
        // Once per outage at warning level; the tries that follow at debug, and the recovery once (WriteAsync).
        if (_failures == 1)
            logger.LogWarning(error, "Job {JobId} could not save its state in phase {Phase}; trying again every {MaxDelayS:F0} s at most until the store answers",
                jobId, State.Phase, options.StateRetryMaxDelay.TotalSeconds);
        else
            logger.LogDebug(error, "Job {JobId} could not save its state ({Failures} in a row); reading it again in {DelayMs:F0} ms",
                jobId, _failures, delay.TotalMilliseconds);
        while (true)
        {
            await Task.Delay(delay, ct);
            try
            {
                await state.ReadStateAsync();
                _saved = null;
                return;
            }
            catch (Exception readError) when (!ct.IsCancellationRequested)
            {
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

    /// <summary>The pause before the next read of the state, growing with the failures in a row.</summary>
    private TimeSpan RetryDelay() => Chunks.RetryDelay.For(_failures, options.RetryBaseDelay, options.StateRetryMaxDelay);
}
