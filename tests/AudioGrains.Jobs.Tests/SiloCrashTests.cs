using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.Serialization;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// Three silos whose job state lives outside them (<see cref="SharedGrainStore"/>, standing in for Redis: Orleans'
/// memory storage keeps it in MemoryStorageGrain activations on the silos, so a killed silo may take it along), and
/// a failure detector quick enough for a test.
/// </summary>
public sealed class CrashClusterFixture : IAsyncLifetime
{
    public JobCluster Jobs { get; private set; } = null!;

    /// <summary>30 s of speech, 22.05 kHz mono WAV.</summary>
    public string Speech { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jobs = await JobCluster.StartAsync(new JobClusterSpec
        {
            Silos = 3,
            SharedStorage = true,
            FastFailureDetection = true,
            Settings = new()
            {
                ["AudioGrains:Processing:MaxChunkAttempts"] = "6",
                ["AudioGrains:Processing:MaxJobAttempts"] = "6",
                ["AudioGrains:Processing:RetryBaseDelay"] = "00:00:00.200",
                ["AudioGrains:Processing:RetryMaxDelay"] = "00:00:01",
                ["AudioGrains:Processing:CheckpointInterval"] = "00:00:00.100",
                ["AudioGrains:Processing:MaxChunksInFlight"] = "4",
            },
        });
        Speech = await TestAudio.SpeechAsync(Jobs.Files.File("speech30.wav"), 30);
    }

    public async Task DisposeAsync() => await Jobs.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class CrashClusterCollection : ICollectionFixture<CrashClusterFixture>
{
    public const string Name = "crash cluster";
}

[Collection(CrashClusterCollection.Name)]
public sealed class SiloCrashTests(CrashClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly NormalizeOptions Options = new() { OutputFormat = "wav", ChunkSeconds = 1 };

    [Fact]
    public async Task Killing_the_jobs_silo_mid_processing_still_gives_the_same_output_without_recomputing_finished_chunks()
    {
        var jobs = fixture.Jobs;
        var probe = jobs.Probe;

        // The reference: the same input and options on the undisturbed cluster.
        var referenceId = JobClusterFixture.NewJobId("undisturbed");
        await jobs.StartJobAsync(referenceId, fixture.Speech, Options);
        var reference = await jobs.WaitForTerminalAsync(referenceId, TimeSpan.FromSeconds(60));
        Assert.True(reference.Phase == JobPhase.Completed, $"the reference run ended {reference.Phase}: {reference.ErrorMessage}");
        var expected = await File.ReadAllBytesAsync(jobs.PathOf(reference.OutputKey!));

        var jobId = JobClusterFixture.NewJobId("crash");
        probe.WorkRules[jobId] = async (item, _, ct) => await Task.Delay(250, ct);
        await jobs.StartJobAsync(jobId, fixture.Speech, Options);
        await JobCluster.WaitUntilAsync(() => probe.Completions(jobId, WorkKind.Process).Count >= 8, TimeSpan.FromSeconds(30), "8 chunks processed");
        var before = await jobs.Job(jobId).GetStatusAsync();
        var victim = jobs.Cluster.Silos.Single(s => before.Host!.StartsWith(s.SiloAddress.ToParsableString() + "/", StringComparison.Ordinal));
        var doneBefore = probe.Completions(jobId, WorkKind.Process).Select(e => e.Item!.Value.Index).ToHashSet();
        var killedAt = probe.Now;
        await jobs.Cluster.KillSiloAsync(victim);
        var persisted = PersistedState(jobId);
        Assert.Equal(JobPhase.Processing, persisted.Phase);
        var checkpointed = Enumerable.Range(0, before.ChunksTotal).Where(i => CompletionBitmap.IsSet(persisted.CompletedChunks, i)).ToList();

        var status = await jobs.WaitForTerminalAsync(jobId, TimeSpan.FromSeconds(90), tolerateErrors: true);
        // The observer runs on the job's silo: a chunk completion heard by another silo after the kill is the resumed job's.
        var resumedOn = probe.Events(jobId).FirstOrDefault(e => e.At > killedAt && e.Silo != victim.Name && e.Kind == ProbeEvent.Completed);
        output.WriteLine($"killed {victim.Name} (the job's silo) with {doneBefore.Count} of {before.ChunksTotal} chunks done, {checkpointed.Count} checkpointed; " +
                         $"resumed job's first chunk completion {(resumedOn is null ? "none" : $"{(resumedOn.At - killedAt).TotalSeconds:F2} s after the kill, on {resumedOn.Silo}")}; " +
                         $"completed {(probe.Events(jobId)[^1].At - killedAt).TotalSeconds:F1} s after the kill on {status.Host}; chunk silos {string.Join(", ", status.Report?.ChunkSilos ?? [])}");
        Assert.True(status.Phase == JobPhase.Completed, $"phase {status.Phase} after the kill: {status.ErrorMessage}");
        Assert.False(status.Host!.StartsWith(victim.SiloAddress.ToParsableString(), StringComparison.Ordinal), "the job still reports the killed silo");
        Assert.Equal(expected, await File.ReadAllBytesAsync(jobs.PathOf(status.OutputKey!)));

        // Chunks done before the kill were not computed again by the surviving silos.
        Assert.True(checkpointed.Count > 0, "nothing was checkpointed before the kill");
        var again = probe.Events(jobId)
            .Where(e => e.Kind == ProbeEvent.Started && e.At > killedAt && e.Silo != victim.Name && e.Item!.Value.Kind == WorkKind.Process)
            .Select(e => e.Item!.Value.Index).ToList();
        Assert.DoesNotContain(again, doneBefore.Contains);
        Assert.DoesNotContain(again, checkpointed.Contains);
        // And every chunk not done before the kill was completed after it.
        var completedAfter = probe.Completions(jobId, WorkKind.Process).Where(e => e.At > killedAt).Select(e => e.Item!.Value.Index).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, status.ChunksTotal), i => !doneBefore.Contains(i) && !completedAfter.Contains(i));
        probe.WorkRules.TryRemove(jobId, out _);
    }

    /// <summary>
    /// A second writer of the job's state (what a zombie activation on a silo declared dead does, whose ETag then wins)
    /// must not stop the job: its next write fails with InconsistentStateException, and so does the failure handler's;
    /// the loop then reads the state again and goes on from what was saved. (Before that fix: no event for 20 s.)
    /// </summary>
    [Fact]
    public async Task A_conflicting_write_of_the_job_state_does_not_stop_the_job()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("etag");
        jobs.Probe.WorkRules[jobId] = async (item, _, ct) => await Task.Delay(100, ct);
        await jobs.StartJobAsync(jobId, fixture.Speech, Options);
        await JobCluster.WaitUntilAsync(() => jobs.Probe.Completions(jobId, WorkKind.Process).Count >= 4, TimeSpan.FromSeconds(30), "4 chunks processed");
        Assert.True(jobs.Store.Touch("job", jobId));
        var status = await jobs.WaitForTerminalAsync(jobId, TimeSpan.FromSeconds(30));
        Assert.True(status.Phase == JobPhase.Completed, $"phase {status.Phase}: {status.ErrorMessage}");
        jobs.Probe.WorkRules.TryRemove(jobId, out _);
    }

    [Fact]
    public async Task A_store_outage_when_the_job_saves_its_completion_does_not_leave_it_unfinished()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("outage-at-end");
        // The store goes down exactly when this job saves its move to Completed, and reads fail too: before the fix,
        // the loop ended on the unsaved Completed in memory and the stored job stayed in Assembling for good.
        jobs.Store.GoesDownOnWriteOf = s => s is JobState { Phase: JobPhase.Completed } state && state.Spec?.InputKey == JobBlobKeys.Input(jobId);
        try
        {
            await jobs.StartJobAsync(jobId, fixture.Speech, Options);
            await JobCluster.WaitUntilAsync(() => jobs.Store.IsDown, TimeSpan.FromSeconds(60), "the store to go down at completion");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            jobs.Store.ComeBack();
        }
        await JobCluster.WaitUntilAsync(() => PersistedState(jobId).Phase == JobPhase.Completed, TimeSpan.FromSeconds(30),
            "the stored job to reach Completed after the store came back");
        var status = await jobs.WaitForTerminalAsync(jobId, TimeSpan.FromSeconds(30));
        Assert.Equal(JobPhase.Completed, status.Phase);
    }

    private JobState PersistedState(string jobId)
    {
        var bytes = fixture.Jobs.Store.Find("job", jobId) ?? throw new InvalidOperationException($"no state stored for job {jobId}");
        var serializer = fixture.Jobs.Cluster.Silos.First(s => s.IsActive).SiloHost.Services.GetRequiredService<IGrainStorageSerializer>();
        return serializer.Deserialize<JobState>(new BinaryData(bytes)) ?? throw new InvalidOperationException("empty state");
    }
}
