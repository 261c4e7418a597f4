using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// An ended job keeps its blobs for the TTL, then expires by itself: every blob under its prefix is deleted and it
/// answers expired, with its expiry time, for good. A failed (dead-lettered) job keeps its data until then.
/// </summary>
[Collection(LifetimeClusterCollection.Name)]
public sealed class ExpiryTests(LifetimeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_completed_job_expires_by_itself_after_its_ttl_deleting_every_blob_and_then_answers_expired()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("expire");
        var input = await fixture.NewInputAsync();
        await jobs.StartJobAsync(jobId, input, LifetimeClusterFixture.Wav);
        var done = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(done.Phase == JobPhase.Completed, $"phase {done.Phase}: {done.ErrorMessage}");
        Assert.Equal(done.CompletedAt + LifetimeClusterFixture.Ttl, done.ExpiresAt);
        Assert.Equal(new FileInfo(input).Length, done.InputBytes);
        Assert.Equal(await fixture.Store.LengthAsync(done.OutputKey!), done.OutputBytes);
        Assert.True(done.OutputBytes > 44, $"output of {done.OutputBytes} bytes");
        var head = await jobs.Job(jobId).ReadOutputAsync(0, 4);
        Assert.Equal("RIFF"u8.ToArray(), head);
        Assert.Contains(done.OutputKey!, await fixture.BlobsOf(jobId));

        // Nobody asks the job meanwhile: its own timer (or reminder) expires it.
        await JobCluster.WaitUntilAsync(() => jobs.Probe.PhaseChanges(jobId) is [.., (JobPhase.Completed, JobPhase.Expired)],
            LifetimeClusterFixture.Ttl + TimeSpan.FromSeconds(10), $"job {jobId} expired");
        var events = jobs.Probe.Events(jobId).Where(e => e.Kind == ProbeEvent.Phase).ToList();
        var lived = events[^1].At - events[^2].At;
        output.WriteLine($"completed, expired {lived.TotalSeconds:F2} s later (TTL {LifetimeClusterFixture.Ttl.TotalSeconds} s)");
        Assert.InRange(lived, LifetimeClusterFixture.Ttl - TimeSpan.FromMilliseconds(300), LifetimeClusterFixture.Ttl + TimeSpan.FromSeconds(3));

        Assert.Empty(await fixture.BlobsOf(jobId));
        var expired = await jobs.Job(jobId).GetStatusAsync();
        Assert.True(expired.Exists);
        Assert.Equal(JobPhase.Expired, expired.Phase);
        Assert.Equal(done.ExpiresAt, expired.ExpiresAt);
        Assert.True(expired.ExpiresAt < DateTimeOffset.UtcNow);
        Assert.Null(expired.OutputKey);
        var read = await Assert.ThrowsAsync<AudioGrainsException>(() => jobs.Job(jobId).ReadOutputAsync(0, 4));
        Assert.Equal(ErrorCodes.NotFound, read.Code);
        Assert.False(await jobs.Job(jobId).ExpireIfDueAsync());
        Assert.Equal(JobPhase.Expired, (await jobs.Job(jobId).GetStatusAsync()).Phase);
    }

    [Fact]
    public async Task A_dead_lettered_job_keeps_its_data_for_a_retry_until_it_expires_and_then_cannot_be_retried()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("expire-failed");
        jobs.Probe.WorkRules[jobId] = (item, _, _) =>
            item is { Kind: WorkKind.Process, Index: 1 } ? throw new InvalidOperationException("injected permanent chunk fault") : ValueTask.CompletedTask;
        await jobs.StartJobAsync(jobId, await fixture.NewInputAsync(), LifetimeClusterFixture.Wav);
        var failed = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.Equal(JobPhase.Failed, failed.Phase);
        Assert.Equal(failed.CompletedAt + LifetimeClusterFixture.Ttl, failed.ExpiresAt);
        var kept = await fixture.BlobsOf(jobId);
        Assert.Contains(JobBlobKeys.Input(jobId), kept);
        Assert.Contains(JobBlobKeys.Pcm(jobId), kept);

        // Polled all along: the status call expires a job past its time before it answers, if nothing else has.
        var expired = await jobs.WaitForAsync(jobId, s => s.Phase == JobPhase.Expired, LifetimeClusterFixture.Ttl + TimeSpan.FromSeconds(10), "expired");
        Assert.True(DateTimeOffset.UtcNow >= failed.ExpiresAt);
        Assert.Equal(failed.ExpiresAt, expired.ExpiresAt);
        Assert.Equal(ErrorCodes.ProcessingFailed, expired.ErrorCode);
        Assert.Empty(await fixture.BlobsOf(jobId));
        Assert.Equal(JobPhase.Expired, (await jobs.Job(jobId).RetryAsync()).Phase);
        await Task.Delay(300);
        Assert.Equal(JobPhase.Expired, (await jobs.Job(jobId).GetStatusAsync()).Phase);
        jobs.Probe.WorkRules.TryRemove(jobId, out _);
    }

    [Fact]
    public async Task A_job_whose_expiry_failed_answers_with_its_expiry_past_and_the_cleanup_expires_it_once_the_store_works()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("expire-sweep");
        await jobs.StartJobAsync(jobId, await fixture.NewInputAsync(), LifetimeClusterFixture.Wav);
        var done = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.Equal(JobPhase.Completed, done.Phase);
        // The completed job deletes its input after saying so; the fault below must not meet that delete.
        for (var i = 0; await fixture.Store.LengthAsync(JobBlobKeys.Input(jobId)) is not null; i++)
        {
            Assert.True(i < 200, "the completed job's input was not deleted");
            await Task.Delay(25);
        }
        // The store refuses to delete the job's blobs past its expiry: its timer, its reminder and any status call fail to expire it.
        fixture.Store.FailingDeletes[JobBlobKeys.Root(jobId)] = true;
        await Task.Delay(done.ExpiresAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        var stuck = await jobs.Job(jobId).GetStatusAsync();
        Assert.Equal(JobPhase.Completed, stuck.Phase);
        Assert.True(stuck.ExpiresAt < DateTimeOffset.UtcNow);
        Assert.NotEmpty(await fixture.BlobsOf(jobId));

        fixture.Store.FailingDeletes.TryRemove(JobBlobKeys.Root(jobId), out _);
        // A job the registry lists that does not exist (its creation never saved): the cleanup unlists it.
        var ghost = JobClusterFixture.NewJobId("ghost");
        await fixture.Registry.JobStartedAsync(ghost, DateTimeOffset.UtcNow);
        Assert.Contains(ghost, await fixture.Registry.ListAsync(LifetimeClusterFixture.MaxListedJobs));
        var cleanup = await fixture.Registry.CleanupAsync();

        output.WriteLine($"cleanup: {cleanup.Expired} expired, {cleanup.Removed} removed");
        Assert.True(cleanup.Expired >= 1, $"{cleanup.Expired} expired");
        Assert.True(cleanup.Removed >= 1, $"{cleanup.Removed} removed");
        Assert.Equal((JobPhase.Completed, JobPhase.Expired), jobs.Probe.PhaseChanges(jobId)[^1]);
        Assert.Empty(await fixture.BlobsOf(jobId));
        Assert.Equal(JobPhase.Expired, (await jobs.Job(jobId).GetStatusAsync()).Phase);
        Assert.DoesNotContain(ghost, await fixture.Registry.ListAsync(100));
        Assert.Contains(jobId, await fixture.Registry.ListAsync(100));
    }
}
