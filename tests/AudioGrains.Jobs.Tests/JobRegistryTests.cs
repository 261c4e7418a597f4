using AudioGrains.Abstractions;
using AudioGrains.Jobs.Tests.Harness;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>The job registry as the gateway uses it: the list newest first and bounded, the active count, the stats.</summary>
[Collection(LifetimeClusterCollection.Name)]
public sealed class JobRegistryTests(LifetimeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Options a job refuses at its start: it fails at once (no ffmpeg), a real job all the same.</summary>
    private static NormalizeOptions Invalid => LifetimeClusterFixture.Wav with { TargetLufs = 0 };

    [Fact]
    public async Task Jobs_are_listed_newest_first_and_only_the_newest_are_kept()
    {
        var input = await fixture.NewInputAsync();
        var ids = new List<string>();
        for (var i = 0; i < LifetimeClusterFixture.MaxListedJobs + 2; i++)
        {
            var jobId = JobClusterFixture.NewJobId($"list{i}");
            ids.Add(jobId);
            Assert.Equal(JobPhase.Failed, (await fixture.Jobs.StartJobAsync(jobId, input, Invalid)).Phase);
        }

        var newestFirst = Enumerable.Reverse(ids).ToList();
        Assert.Equal(newestFirst.Take(LifetimeClusterFixture.MaxListedJobs), await fixture.Registry.ListAsync(100));
        Assert.Equal(newestFirst.Take(2), await fixture.Registry.ListAsync(2));
        var listed = await fixture.Client.ListAsync(3);
        Assert.Equal(newestFirst.Take(3), listed.Select(s => s.JobId));
        Assert.All(listed, s => Assert.Equal(ErrorCodes.InvalidOptions, s.ErrorCode));
        // A job started again is not listed twice.
        await fixture.Jobs.Job(ids[^1]).StartAsync(new JobSpec { InputKey = "x", FileName = "x.wav" });
        Assert.Equal(newestFirst.Take(LifetimeClusterFixture.MaxListedJobs), await fixture.Registry.ListAsync(100));
    }

    [Fact]
    public async Task Admission_is_decided_in_one_place_and_a_place_is_held_until_the_hold_ends()
    {
        var limit = await fixture.Registry.ActiveCountAsync() + 2;
        var hold = TimeSpan.FromSeconds(2);
        // Three gateways ask at once for two places: exactly two are admitted.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.Registry.TryAdmitAsync(limit, hold)));
        Assert.Equal(2, answers.Count(a => a));
        Assert.False(await fixture.Registry.TryAdmitAsync(limit, hold));
        // A submission that started no job gives its place back at once.
        await fixture.Registry.ReleaseAdmissionAsync();
        Assert.True(await fixture.Registry.TryAdmitAsync(limit, hold));
        Assert.False(await fixture.Registry.TryAdmitAsync(limit, hold));
        // Submissions whose jobs never started give their places back after the hold.
        await Task.Delay(hold + TimeSpan.FromMilliseconds(500));
        Assert.True(await fixture.Registry.TryAdmitAsync(limit, hold));
        await Task.Delay(hold + TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task The_active_count_rises_while_jobs_run_and_falls_as_they_end_and_a_lost_notice_does_not_hold_it()
    {
        var registry = fixture.Registry;
        await Task.Delay(600);
        var baseline = await registry.ActiveCountAsync();
        var release = new TaskCompletionSource();
        var (first, second) = (JobClusterFixture.NewJobId("active"), JobClusterFixture.NewJobId("active"));
        fixture.Hold(first, release.Task);
        fixture.Hold(second, Task.Delay(Timeout.Infinite));
        // A job tells the registry it started without holding up its start (JobGrain.StartAsync): the count follows.
        await fixture.Jobs.StartJobAsync(first, await fixture.NewInputAsync(), LifetimeClusterFixture.Wav);
        await WaitForActiveAsync(baseline + 1, "the first job counted");
        await fixture.Jobs.StartJobAsync(second, await fixture.NewInputAsync(), LifetimeClusterFixture.Wav);
        await WaitForActiveAsync(baseline + 2, "the second job counted");
        await fixture.WaitHeldAsync(first);
        await fixture.WaitHeldAsync(second);
        // Running jobs stay counted when the registry checks them.
        await Task.Delay(600);
        Assert.Equal(baseline + 2, await registry.ActiveCountAsync());

        release.SetResult();
        Assert.Equal(JobPhase.Completed, (await fixture.Jobs.WaitForTerminalAsync(first, JobTimeout)).Phase);
        await WaitForActiveAsync(baseline + 1, "the completed job no longer counted");

        // A job that never tells the registry it ended (here: one that never existed) stops counting at the next check.
        var ghost = JobClusterFixture.NewJobId("ghost");
        await registry.JobStartedAsync(ghost, DateTimeOffset.UtcNow);
        await WaitForActiveAsync(baseline + 1, "the ghost no longer counted");

        Assert.Equal(JobPhase.Cancelled, (await fixture.Jobs.Job(second).CancelAsync()).Phase);
        await WaitForActiveAsync(baseline, "the cancelled job no longer counted");
        output.WriteLine($"active: {baseline} before, {baseline + 2} with two running, {baseline} after");
    }

    [Fact]
    public async Task Stats_count_the_listed_jobs_by_status_with_their_bytes()
    {
        var jobs = fixture.Jobs;
        var input = await fixture.NewInputAsync();
        var inputBytes = new FileInfo(input).Length;
        var (expired, running, completed, cancelled, failed) = (JobClusterFixture.NewJobId("st-exp"), JobClusterFixture.NewJobId("st-run"),
            JobClusterFixture.NewJobId("st-done"), JobClusterFixture.NewJobId("st-cancel"), JobClusterFixture.NewJobId("st-fail"));
        // The same content as five jobs (started directly, not through the dedupe index); the first has expired.
        await jobs.StartJobAsync(expired, input, LifetimeClusterFixture.Wav);
        var expiredDone = await jobs.WaitForTerminalAsync(expired, JobTimeout);
        await jobs.WaitForAsync(expired, s => s.Phase == JobPhase.Expired, LifetimeClusterFixture.Ttl + TimeSpan.FromSeconds(10), "expired");
        var release = new TaskCompletionSource();
        fixture.Hold(running, release.Task);
        fixture.Hold(cancelled, release.Task);
        await jobs.StartJobAsync(running, input, LifetimeClusterFixture.Wav);
        await jobs.StartJobAsync(completed, input, LifetimeClusterFixture.Wav);
        await jobs.StartJobAsync(cancelled, input, LifetimeClusterFixture.Wav);
        var done = await jobs.WaitForTerminalAsync(completed, JobTimeout);
        Assert.Equal(JobPhase.Completed, done.Phase);
        // The rest within the TTL of the completed job, so that none of them has expired yet.
        await fixture.WaitHeldAsync(cancelled);
        Assert.Equal(JobPhase.Cancelled, (await jobs.Job(cancelled).CancelAsync()).Phase);
        Assert.Equal(JobPhase.Failed, (await jobs.StartJobAsync(failed, input, Invalid)).Phase);

        var stats = await fixture.Registry.StatsAsync();

        output.WriteLine($"{stats}");
        Assert.Equal(new JobStats
        {
            Total = 5, Queued = 0, Processing = 1, Completed = 1, Failed = 1, Cancelled = 1, Expired = 1,
            InputBytes = 5 * inputBytes, OutputBytes = expiredDone.OutputBytes!.Value + done.OutputBytes!.Value,
            Active = stats.Active,
        }, stats);
        Assert.True(stats.Active >= 1, $"{stats.Active} active with one running");
        release.SetResult();
        Assert.Equal(JobPhase.Completed, (await jobs.WaitForTerminalAsync(running, JobTimeout)).Phase);
    }

    private async Task WaitForActiveAsync(int count, string what)
    {
        var last = -1;
        for (var i = 0; i < 100; i++)
        {
            last = await fixture.Registry.ActiveCountAsync();
            if (last == count) return;
            await Task.Delay(100);
        }
        Assert.Fail($"not {what} within 10 s: {last} active, {count} expected");
    }
}
