using AudioGrains.Abstractions;
using AudioGrains.Jobs.Tests.Harness;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// DELETE really deletes: a running or a finished job is stopped, its blobs go, it is unlisted and then does not
/// exist; the same content submitted again is a new job that runs (the dedupe index no longer joins the deleted one).
/// </summary>
[Collection(LifetimeClusterCollection.Name)]
public sealed class DeleteTests(LifetimeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deleting_a_running_job_stops_its_work_and_forgets_it_and_the_same_content_then_starts_a_new_job()
    {
        var jobs = fixture.Jobs;
        var input = await fixture.NewInputAsync();
        var jobId = JobClusterFixture.NewJobId("delete-running");
        var never = new TaskCompletionSource();
        fixture.Hold(jobId, never.Task);
        Assert.Equal(jobId, (await fixture.UploadAsync(jobId, input, LifetimeClusterFixture.Wav)).JobId);
        await fixture.WaitHeldAsync(jobId);
        // While it lives, the same content joins it.
        Assert.Equal(jobId, (await fixture.UploadAsync(JobClusterFixture.NewJobId("joins"), input, LifetimeClusterFixture.Wav)).JobId);
        Assert.Contains(jobId, await fixture.Registry.ListAsync(LifetimeClusterFixture.MaxListedJobs));

        await fixture.Client.DeleteAsync(jobId);

        Assert.Equal(0, jobs.RunningWork(jobId));
        var gone = await jobs.Job(jobId).GetStatusAsync();
        Assert.False(gone.Exists);
        Assert.Empty(await fixture.BlobsOf(jobId));
        Assert.DoesNotContain(jobId, await fixture.Registry.ListAsync(100));
        Assert.DoesNotContain(jobId, (await fixture.Client.ListAsync(100)).Select(s => s.JobId));
        var read = await Assert.ThrowsAsync<AudioGrainsException>(() => jobs.Job(jobId).ReadOutputAsync(0, 4));
        Assert.Equal(ErrorCodes.NotFound, read.Code);
        // A chunk that ignored its cancellation would have written by now (the sweep deletes once more 2 s later).
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(await fixture.BlobsOf(jobId));
        Assert.False((await jobs.Job(jobId).GetStatusAsync()).Exists);

        var againId = JobClusterFixture.NewJobId("again");
        var again = await fixture.UploadAsync(againId, input, LifetimeClusterFixture.Wav);
        Assert.Equal(againId, again.JobId);
        var done = await jobs.WaitForTerminalAsync(againId, JobTimeout);
        Assert.True(done.Phase == JobPhase.Completed, $"phase {done.Phase}: {done.ErrorMessage}");
        output.WriteLine($"deleted {jobId} while processing; the same content became job {againId}, which completed");

        // Idempotent.
        await jobs.Job(jobId).DeleteAsync();
        Assert.False((await jobs.Job(jobId).GetStatusAsync()).Exists);
    }

    [Fact]
    public async Task Deleting_a_completed_job_deletes_its_output_and_the_same_content_then_runs_again()
    {
        var jobs = fixture.Jobs;
        var input = await fixture.NewInputAsync();
        var jobId = JobClusterFixture.NewJobId("delete-done");
        await fixture.UploadAsync(jobId, input, LifetimeClusterFixture.Wav);
        var done = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.Equal(JobPhase.Completed, done.Phase);
        Assert.NotEmpty(await fixture.BlobsOf(jobId));
        Assert.Equal(jobId, (await fixture.UploadAsync(JobClusterFixture.NewJobId("joins"), input, LifetimeClusterFixture.Wav)).JobId);

        await jobs.Job(jobId).DeleteAsync();

        Assert.False((await jobs.Job(jobId).GetStatusAsync()).Exists);
        Assert.Empty(await fixture.BlobsOf(jobId));
        var read = await Assert.ThrowsAsync<AudioGrainsException>(() => fixture.Client.DownloadAsync(jobId, Stream.Null));
        Assert.Equal(ErrorCodes.NotFound, read.Code);
        Assert.DoesNotContain(jobId, await fixture.Registry.ListAsync(100));

        var againId = JobClusterFixture.NewJobId("again");
        Assert.Equal(againId, (await fixture.UploadAsync(againId, input, LifetimeClusterFixture.Wav)).JobId);
        var rerun = await jobs.WaitForTerminalAsync(againId, JobTimeout);
        Assert.Equal(JobPhase.Completed, rerun.Phase);
        Assert.Equal(done.OutputBytes, rerun.OutputBytes);
        Assert.Equal(againId, (await fixture.Client.ListAsync(1)).Single().JobId);
    }
}
