using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Tests;

/// <summary>When an ended job expires and when its expired record is forgotten, and that its expiry removes every blob of the job and nothing of another.</summary>
public sealed class JobLifetimeTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(2);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(3);
    private static readonly DateTimeOffset Ended = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ag-lifetime-" + Guid.NewGuid().ToString("N"));

    private JobLifetime LifetimeOf(string jobId, IBlobStore store) =>
        new(jobId, new JobWorkspace(store, new BlobStaging(store, Options.Create(new ProcessingOptions())), jobId), null!, Ttl, Retention, NullLogger.Instance);

    private static JobState EndedJob(JobPhase phase) => new()
    {
        Spec = new JobSpec { InputKey = "in", FileName = "a.wav" },
        Phase = phase,
        CreatedAt = Ended.AddMinutes(-5),
        CompletedAt = Ended,
    };

    [Theory]
    [InlineData(JobPhase.Completed)]
    [InlineData(JobPhase.Failed)]
    [InlineData(JobPhase.Cancelled)]
    public void An_ended_job_is_due_from_its_end_plus_the_ttl(JobPhase phase)
    {
        var lifetime = LifetimeOf("j", new FileSystemBlobStore(_root));
        var s = EndedJob(phase);
        lifetime.SetExpiresAt(s);
        Assert.Equal(Ended + Ttl, s.ExpiresAt);
        Assert.False(lifetime.IsDue(s, Ended + Ttl - TimeSpan.FromMilliseconds(1)));
        Assert.True(lifetime.IsDue(s, Ended + Ttl));
    }

    [Fact]
    public void A_running_or_expired_job_is_never_due_and_one_saved_without_an_expiry_uses_its_end()
    {
        var lifetime = LifetimeOf("j", new FileSystemBlobStore(_root));
        var far = Ended.AddYears(1);
        Assert.False(lifetime.IsDue(EndedJob(JobPhase.Processing), far));
        Assert.Null(lifetime.ExpiresAt(EndedJob(JobPhase.Queued)));
        Assert.False(lifetime.IsDue(EndedJob(JobPhase.Expired), far));
        // Saved before jobs expired: no ExpiresAt of its own.
        var legacy = EndedJob(JobPhase.Completed);
        Assert.Null(legacy.ExpiresAt);
        Assert.Equal(Ended + Ttl, lifetime.ExpiresAt(legacy));
        Assert.True(lifetime.IsDue(legacy, far));
    }

    [Theory]
    [InlineData(JobPhase.Completed)]
    [InlineData(JobPhase.Failed)]
    [InlineData(JobPhase.Cancelled)]
    public async Task An_ended_jobs_next_step_is_its_expiry_and_then_the_forgetting_of_its_record_a_retention_later(JobPhase phase)
    {
        var lifetime = LifetimeOf("j", new FileSystemBlobStore(_root));
        var s = EndedJob(phase);
        lifetime.SetExpiresAt(s);
        Assert.Null(lifetime.ForgetAt(s));
        Assert.Equal(Ended + Ttl, lifetime.NextStepAt(s));
        Assert.False(lifetime.IsStepDue(s, Ended + Ttl - TimeSpan.FromMilliseconds(1)));
        Assert.True(lifetime.IsStepDue(s, Ended + Ttl));

        await lifetime.ExpireAsync(s);

        Assert.Equal(Ended + Ttl + Retention, lifetime.ForgetAt(s));
        Assert.Equal(Ended + Ttl + Retention, lifetime.NextStepAt(s));
        Assert.False(lifetime.IsStepDue(s, Ended + Ttl + Retention - TimeSpan.FromMilliseconds(1)));
        Assert.True(lifetime.IsStepDue(s, Ended + Ttl + Retention));
    }

    [Fact]
    public void A_running_job_has_no_next_step_and_a_zero_retention_forgets_an_expired_job_as_it_expires()
    {
        var lifetime = LifetimeOf("j", new FileSystemBlobStore(_root));
        Assert.Null(lifetime.NextStepAt(EndedJob(JobPhase.Processing)));
        Assert.False(lifetime.IsStepDue(EndedJob(JobPhase.Processing), Ended.AddYears(1)));

        var expired = EndedJob(JobPhase.Expired);
        expired.ExpiresAt = Ended + Ttl;
        var store = new FileSystemBlobStore(_root);
        var now = new JobLifetime("j", new JobWorkspace(store, new BlobStaging(store, Options.Create(new ProcessingOptions())), "j"), null!, Ttl, TimeSpan.Zero, NullLogger.Instance);
        Assert.Equal(Ended + Ttl, now.ForgetAt(expired));
        Assert.True(now.IsStepDue(expired, Ended + Ttl));
    }

    [Fact]
    public void The_record_retention_defaults_to_a_week_and_must_not_be_negative()
    {
        Assert.Equal(TimeSpan.FromDays(7), new ProcessingOptions().ExpiredRecordRetention);
        Assert.Empty(new ProcessingOptions { ExpiredRecordRetention = TimeSpan.Zero }.Validate());
        Assert.Contains(new ProcessingOptions { ExpiredRecordRetention = TimeSpan.FromSeconds(-1) }.Validate(), e => e.Contains("ExpiredRecordRetention"));
    }

    [Fact]
    public async Task Expiry_deletes_every_blob_under_the_jobs_prefix_and_keeps_the_record()
    {
        var store = new FileSystemBlobStore(_root);
        string[] mine = [JobBlobKeys.Input("j1"), JobBlobKeys.Pcm("j1"), JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk("j1", 3)),
            JobBlobKeys.NoiseInput("j1"), JobBlobKeys.Output("j1", ".wav")];
        string[] others = [JobBlobKeys.Input("j10"), JobBlobKeys.Output("j2", ".wav")];
        foreach (var key in mine.Concat(others)) await PutAsync(store, key);
        var s = EndedJob(JobPhase.Completed);
        s.OutputKey = JobBlobKeys.Output("j1", ".wav");
        s.OutputBytes = 3;
        var lifetime = LifetimeOf("j1", store);
        lifetime.SetExpiresAt(s);

        await lifetime.ExpireAsync(s);

        Assert.Empty(await ListAsync(store, JobBlobKeys.Root("j1") + "/"));
        foreach (var key in others) Assert.NotNull(await store.LengthAsync(key));
        Assert.Equal(JobPhase.Expired, s.Phase);
        Assert.Null(s.OutputKey);
        Assert.Equal(Ended + Ttl, s.ExpiresAt);
        var status = JobStatusProjection.Of("j1", s, "host");
        Assert.True(status.Exists);
        Assert.Equal(JobPhase.Expired, status.Phase);
        Assert.Equal(Ended + Ttl, status.ExpiresAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_job_keeps_nothing_a_dead_lettered_one_keeps_its_work_and_both_expire_after_the_ttl(bool deadLetter)
    {
        var store = new FileSystemBlobStore(_root);
        string[] mine = [JobBlobKeys.Input("j1"), JobBlobKeys.Pcm("j1"), JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk("j1", 3))];
        foreach (var key in mine) await PutAsync(store, key);
        var s = new JobState { Spec = new JobSpec { InputKey = "in", FileName = "a.wav" }, Phase = JobPhase.Processing };
        var before = DateTimeOffset.UtcNow;

        await LifetimeOf("j1", store).FailAsync(s, ErrorCodes.Timeout, "chunk 3 timed out", deadLetter);

        Assert.Equal(deadLetter ? mine.Order() : [], (await ListAsync(store, JobBlobKeys.Root("j1") + "/")).Order());
        Assert.Equal((JobPhase.Failed, JobPhase.Processing, deadLetter), (s.Phase, s.FailedIn!.Value, s.DeadLettered));
        Assert.Equal((ErrorCodes.Timeout, "chunk 3 timed out"), (s.ErrorCode, s.ErrorMessage));
        Assert.InRange(s.CompletedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(s.CompletedAt + Ttl, s.ExpiresAt);
    }

    [Fact]
    public async Task A_cancelled_job_keeps_nothing_and_expires_after_the_ttl()
    {
        var store = new FileSystemBlobStore(_root);
        await PutAsync(store, JobBlobKeys.Input("j1"));
        await PutAsync(store, JobBlobKeys.Input("j2"));
        var s = new JobState { Spec = new JobSpec { InputKey = "in", FileName = "a.wav" }, Phase = JobPhase.Assembling, OutputKey = "partial" };

        await LifetimeOf("j1", store).CancelAsync(s);

        Assert.Empty(await ListAsync(store, JobBlobKeys.Root("j1") + "/"));
        Assert.NotNull(await store.LengthAsync(JobBlobKeys.Input("j2")));
        Assert.Equal((JobPhase.Cancelled, ErrorCodes.Cancelled, (string?)null), (s.Phase, s.ErrorCode, s.OutputKey));
        Assert.Equal(s.CompletedAt + Ttl, s.ExpiresAt);
    }

    [Fact]
    public void A_completed_job_is_stamped_with_its_end_and_expires_after_the_ttl()
    {
        var s = new JobState { Spec = new JobSpec { InputKey = "in", FileName = "a.wav" }, Phase = JobPhase.Completed };
        var before = DateTimeOffset.UtcNow;
        LifetimeOf("j1", new FileSystemBlobStore(_root)).StampCompletion(s);
        Assert.InRange(s.CompletedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(s.CompletedAt + Ttl, s.ExpiresAt);
    }

    [Fact]
    public void The_ttl_must_be_positive()
    {
        Assert.Contains("ResultTtl must be positive", new ProcessingOptions { ResultTtl = TimeSpan.Zero }.Validate());
        Assert.Contains("MaxListedJobs must be at least 1", new ProcessingOptions { MaxListedJobs = 0 }.Validate());
        Assert.Empty(new ProcessingOptions().Validate());
        Assert.Equal(TimeSpan.FromHours(24), new ProcessingOptions().ResultTtl);
    }

    private static async Task PutAsync(IBlobStore store, string key)
    {
        await using var write = store.Create(key);
        await write.Stream.WriteAsync(new byte[] { 1, 2, 3 });
        await write.CommitAsync();
    }

    private static async Task<List<string>> ListAsync(IBlobStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix)) keys.Add(key);
        return keys;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
