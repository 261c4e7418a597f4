using AudioGrains.Abstractions;
using AudioGrains.Grains.Registry;

namespace AudioGrains.Grains.Tests;

/// <summary>The registry's bookkeeping: the list newest first and bounded, the active set, what the jobs' answers change; and the stats' counts.</summary>
public sealed class JobRegistryStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lists_newest_first_and_keeps_only_the_newest_up_to_the_bound()
    {
        var s = new JobRegistryState();
        for (var i = 1; i <= 7; i++) s.Record($"j{i}", T0.AddSeconds(i), capacity: 5);
        Assert.Equal(["j7", "j6", "j5", "j4", "j3"], s.Newest(100));
        Assert.Equal(["j7", "j6"], s.Newest(2));
        Assert.Empty(s.Newest(0));
        // A job that arrives late takes its place by creation time; one older than every listed job falls off at once.
        s.Record("late", T0.AddSeconds(5.5), capacity: 5);
        Assert.Equal(["j7", "j6", "late", "j5", "j4"], s.Newest(100));
        s.Record("ancient", T0, capacity: 5);
        Assert.DoesNotContain("ancient", s.Newest(100));
        Assert.Equal(5, s.Jobs.Count);
    }

    [Fact]
    public void Recording_is_idempotent_and_the_active_set_follows_start_end_retry_and_delete()
    {
        var s = new JobRegistryState();
        Assert.True(s.Record("a", T0, 10));
        Assert.False(s.Record("a", T0, 10));
        s.Record("b", T0.AddSeconds(1), 10);
        Assert.Equal(["a", "b"], s.Active);

        Assert.True(s.End("a"));
        Assert.False(s.End("a"));
        Assert.Equal(["b"], s.Active);
        // A retried job counts again, and is still listed once.
        Assert.True(s.Record("a", T0, 10));
        Assert.Equal(["b", "a"], s.Active);
        Assert.Equal(["b", "a"], s.Newest(10));

        Assert.True(s.Remove("a"));
        Assert.False(s.Remove("a"));
        Assert.Equal(["b"], s.Newest(10));
        Assert.Equal(["b"], s.Active);
    }

    [Fact]
    public void The_jobs_answers_drop_the_ended_and_the_gone_and_send_the_running_to_the_back()
    {
        var s = new JobRegistryState();
        foreach (var id in new[] { "run", "done", "ghost", "later" }) s.Record(id, T0, 10);
        Assert.Equal(["run", "done"], s.ActiveToCheck(2));

        var changed = s.Checked(
        [
            new JobStatus { JobId = "run", Phase = JobPhase.Processing },
            new JobStatus { JobId = "done", Phase = JobPhase.Completed },
            new JobStatus { JobId = "ghost", Exists = false },
            new JobStatus { JobId = "unknown", Phase = JobPhase.Failed },
        ]);

        Assert.True(changed);
        Assert.Equal(["later", "run"], s.Active);
        Assert.Equal(["later"], s.ActiveToCheck(1));
        Assert.False(s.Checked([new JobStatus { JobId = "unknown", Phase = JobPhase.Completed }]));
    }

    [Fact]
    public void Stats_count_by_the_apis_status_words_and_sum_the_bytes_of_jobs_that_exist()
    {
        JobStatus Job(JobPhase phase, long input, long? output = null, bool exists = true) =>
            new() { JobId = Guid.NewGuid().ToString("N"), Phase = phase, InputBytes = input, OutputBytes = output, Exists = exists };

        var stats = JobStats.Count(
        [
            Job(JobPhase.Queued, 1), Job(JobPhase.Probing, 2), Job(JobPhase.Processing, 4), Job(JobPhase.Assembling, 8),
            Job(JobPhase.Completed, 16, 100), Job(JobPhase.Completed, 32, 200), Job(JobPhase.Failed, 64), Job(JobPhase.Cancelled, 128),
            Job(JobPhase.Expired, 256, 400), Job(JobPhase.Completed, 512, 800, exists: false),
        ], active: 3);

        Assert.Equal(new JobStats
        {
            Total = 9, Queued = 1, Processing = 3, Completed = 2, Failed = 1, Cancelled = 1, Expired = 1,
            InputBytes = 511, OutputBytes = 700, Active = 3,
        }, stats);
    }
}
