using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using static AudioGrains.Abstractions.JobPhase;

namespace AudioGrains.Jobs.Tests;

/// <summary>Every phase a job passes through, as the job observer hears it, and what a completed job leaves in the store.</summary>
[Collection(JobClusterCollection.Name)]
public sealed class PhaseTransitionTests(JobClusterFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Wav_without_denoise_goes_queued_probing_decoding_processing_assembling_completed()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("phases-wav");
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.Wav);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);

        Assert.Equal(
            [(Queued, Probing), (Probing, Decoding), (Decoding, Processing), (Processing, Assembling), (Assembling, Completed)],
            jobs.Probe.PhaseChanges(jobId));
        await AssertCompletedAsync(jobId, status, segments: false);
        Assert.Equal(20, status.ChunksTotal);
        Assert.Equal(Enumerable.Range(0, 20), jobs.Probe.Completions(jobId, WorkKind.Process).Select(e => e.Item!.Value.Index).Order());
        Assert.Empty(jobs.Probe.Completions(jobId, WorkKind.Analyze));
        Assert.Empty(jobs.Probe.Completions(jobId, WorkKind.Encode));
    }

    [Fact]
    public async Task Stationary_denoise_to_opus_adds_analyzing_and_encoding()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("phases-opus");
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.DenoisedOpus);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);

        Assert.Equal(
            [(Queued, Probing), (Probing, Decoding), (Decoding, Analyzing), (Analyzing, Processing), (Processing, Encoding), (Encoding, Assembling), (Assembling, Completed)],
            jobs.Probe.PhaseChanges(jobId));
        await AssertCompletedAsync(jobId, status, segments: true);
        Assert.Equal(4, status.SegmentsTotal); // 20 s in segments of 5 s
        var chunks = status.ChunksTotal;
        // Analysis runs over every chunk twice (maxima, then noise: the whole input is the noise source), processing once.
        Assert.All(jobs.Probe.Starts(jobId, WorkKind.Analyze).Values, n => Assert.Equal(2, n));
        Assert.Equal(chunks, jobs.Probe.Starts(jobId, WorkKind.Analyze).Count);
        Assert.Equal(2 * chunks, jobs.Probe.Completions(jobId, WorkKind.Analyze).Count);
        Assert.Equal(chunks, jobs.Probe.Completions(jobId, WorkKind.Process).Count);
        Assert.Equal(Enumerable.Range(0, 4), jobs.Probe.Completions(jobId, WorkKind.Encode).Select(e => e.Item!.Value.Index).Order());
    }

    private async Task AssertCompletedAsync(string jobId, JobStatus status, bool segments)
    {
        var jobs = fixture.Jobs;
        Assert.True(status.Phase == Completed, $"phase {status.Phase}: {status.ErrorCode}: {status.ErrorMessage}");
        Assert.Equal(100, status.Progress);
        Assert.True(status.ChunksTotal > 0);
        Assert.Equal(status.ChunksTotal, status.ChunksCompleted);
        if (segments)
        {
            Assert.True(status.SegmentsTotal > 0);
            Assert.Equal(status.SegmentsTotal, status.SegmentsCompleted);
        }
        else
        {
            Assert.Equal(0, status.SegmentsTotal);
        }
        Assert.Null(status.ErrorCode);
        Assert.Empty(jobs.Probe.TryFailures(jobId));
        Assert.NotNull(status.OutputKey);
        var output = new FileInfo(jobs.PathOf(status.OutputKey));
        Assert.True(output.Exists && output.Length > 1000, $"output {status.OutputKey} missing or tiny");
        // The clean-up follows the move to Completed (on the job's turn), so it gets a moment.
        await JobCluster.WaitUntilAsync(() => jobs.Leftovers(jobId).Count == 2, TimeSpan.FromSeconds(2),
            $"the job cleaned up (left: {string.Join(", ", jobs.Leftovers(jobId).Select(p => Path.GetRelativePath(jobs.DataDirectory, p)))})");
        Assert.False(Directory.Exists(jobs.PathOf(JobBlobKeys.Work(jobId))), "the work folder was left behind");
        Assert.False(File.Exists(jobs.PathOf(JobBlobKeys.Input(jobId))), "the input was left behind");
        // The output and its loudness series (for the chart) are all that is left of the job.
        Assert.Equal(new[] { output.FullName, jobs.PathOf(JobBlobKeys.LoudnessSeries(jobId)) }.Order(StringComparer.Ordinal), jobs.Leftovers(jobId).Order(StringComparer.Ordinal));
    }
}
