using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Tests;

/// <summary>The fan-out over a fake dispatch: what runs, how much at once, retries, failure and cancellation.</summary>
public sealed class FanOutTests
{
    private static FanOut Create(int inFlight = 3, int attempts = 3) => new(Options.Create(new ProcessingOptions
    {
        MaxChunksInFlight = inFlight,
        MaxChunkAttempts = attempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
        CheckpointInterval = TimeSpan.Zero,
    }), NullLogger<FanOut>.Instance);

    private static WorkOutcome Done(int i) => new() { Index = i, Silo = "s" };

    [Fact]
    public async Task Runs_only_the_items_not_yet_recorded_with_a_bounded_number_in_flight()
    {
        var bitmap = CompletionBitmap.For(20);
        CompletionBitmap.Set(bitmap, 4);
        CompletionBitmap.Set(bitmap, 5);
        var called = new List<int>();
        int running = 0, most = 0, checkpoints = 0;
        await Create(inFlight: 3).RunAsync("j", WorkKind.Process, Enumerable.Range(0, 20).ToList(), bitmap, async (i, ct) =>
        {
            lock (called) called.Add(i);
            var now = Interlocked.Increment(ref running);
            lock (called) most = Math.Max(most, now);
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref running);
            return Done(i);
        }, _ => { }, () => { Interlocked.Increment(ref checkpoints); return Task.CompletedTask; }, (_, _, _) => { }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 20).Except([4, 5]), called.Order());
        Assert.Equal(3, most);
        Assert.Equal(20, CompletionBitmap.Count(bitmap));
        Assert.Equal(18, checkpoints); // interval zero: a checkpoint after every completion
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_reported_once()
    {
        var bitmap = CompletionBitmap.For(5);
        var tries = new int[5];
        var failures = new List<(WorkItem Item, int Attempt)>();
        await Create().RunAsync("j", WorkKind.Analyze, Enumerable.Range(0, 5).ToList(), bitmap, (i, _) =>
        {
            if (Interlocked.Increment(ref tries[i]) == 1 && i == 2) throw new IOException("flaky");
            return Task.FromResult(Done(i));
        }, _ => { }, () => Task.CompletedTask, (item, attempt, _) => { lock (failures) failures.Add((item, attempt)); }, CancellationToken.None);

        Assert.Equal([1, 1, 2, 1, 1], tries);
        Assert.Equal([(new WorkItem("j", WorkKind.Analyze, 2), 1)], failures);
        Assert.Equal(5, CompletionBitmap.Count(bitmap));
    }

    [Fact]
    public async Task A_failed_checkpoint_ends_the_pass_with_its_own_error_and_is_not_a_failed_try_of_the_item()
    {
        var bitmap = CompletionBitmap.For(4);
        var tries = new int[4];
        var failures = 0;
        var checkpoints = 0;
        var e = await Assert.ThrowsAsync<JobStateUnavailableException>(() => Create(inFlight: 1).RunAsync("j", WorkKind.Process,
            Enumerable.Range(0, 4).ToList(), bitmap,
            (i, _) => { Interlocked.Increment(ref tries[i]); return Task.FromResult(Done(i)); }, _ => { },
            () => Interlocked.Increment(ref checkpoints) == 2 ? throw new JobStateUnavailableException(new IOException("store down")) : Task.CompletedTask,
            (_, _, _) => Interlocked.Increment(ref failures), CancellationToken.None));

        Assert.Equal("store down", e.InnerException!.Message);
        Assert.Equal([1, 1, 0, 0], tries);     // the item whose checkpoint failed was not run again
        Assert.Equal(0, failures);             // and no try was counted against it
        Assert.Equal(2, CompletionBitmap.Count(bitmap));
    }

    [Fact]
    public async Task An_item_out_of_tries_fails_the_pass_with_its_own_error_and_stops_the_others()
    {
        var bitmap = CompletionBitmap.For(10);
        var tries = new int[10];
        var cancelled = 0;
        var started = 0;
        // The broken item fails only once the nine others are in flight (on a loaded machine it could otherwise run
        // out of tries before they start, and there would be nothing in flight to stop).
        var othersInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var e = await Assert.ThrowsAsync<IOException>(() => Create(inFlight: 10, attempts: 3).RunAsync("j", WorkKind.Process, Enumerable.Range(0, 10).ToList(), bitmap,
            async (i, ct) =>
            {
                Interlocked.Increment(ref tries[i]);
                if (i == 0)
                {
                    await othersInFlight.Task.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
                    throw new IOException("broken chunk");
                }
                if (Interlocked.Increment(ref started) == 9) othersInFlight.TrySetResult();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
                return Done(i);
            }, _ => { }, () => Task.CompletedTask, (_, _, _) => { }, CancellationToken.None));

        Assert.Equal("broken chunk", e.Message);
        Assert.Equal(3, tries[0]);
        Assert.Equal(9, cancelled);
        Assert.Equal(0, CompletionBitmap.Count(bitmap));
    }

    [Fact]
    public async Task Cancellation_stops_the_calls_in_flight_before_it_returns()
    {
        var bitmap = CompletionBitmap.For(6);
        var stopped = 0;
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var run = Create(inFlight: 6).RunAsync("j", WorkKind.Encode, Enumerable.Range(0, 6).ToList(), bitmap, async (i, ct) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
            finally
            {
                // Like a chunk that needs a moment to stop: the pass must wait for it.
                await Task.Delay(50, CancellationToken.None);
                Interlocked.Increment(ref stopped);
            }
            return Done(i);
        }, _ => { }, () => Task.CompletedTask, (_, _, _) => { }, cancel.Token);
        await started.Task;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(6, stopped);
    }
}
