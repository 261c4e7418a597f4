using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>The short-term loudness a completed job keeps for its chart, from its chunks' statistics.</summary>
[Collection(JobClusterCollection.Name)]
public sealed class LoudnessSeriesTests(JobClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tone_ten_db_quieter_halfway_shows_both_levels_before_and_after_the_gain()
    {
        var jobs = fixture.Jobs;
        // 1 kHz mono at 0.3 (−10.46 dBFS peak) for 20 s, then 10 dB lower: −13.47 and −23.47 LUFS (a mono sine reads
        // 3.01 dB under its peak level at 1 kHz, EBU Tech 3341). Already the working format, so before and after
        // differ only by the gain.
        var input = await TestAudio.LavfiAsync(jobs.Files.File("steps.wav"),
            "aevalsrc='if(lt(t,20),0.3,0.3/sqrt(10))*sin(2*PI*1000*t)':s=16000:d=40", "-c:a", "pcm_f32le");
        var jobId = JobClusterFixture.NewJobId("series-steps");
        await jobs.StartJobAsync(jobId, input, JobClusterFixture.Wav);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorCode}: {status.ErrorMessage}");
        // The series outlives the clean-up of the intermediates at completion.
        await JobCluster.WaitUntilAsync(() => !Directory.Exists(jobs.PathOf(JobBlobKeys.Work(jobId))), TimeSpan.FromSeconds(2), "the work folder deleted");

        var series = await jobs.Job(jobId).GetLoudnessSeriesAsync();

        Assert.Equal(1.0, series.SecondsPerPoint);
        Assert.Equal(40.0, series.DurationSeconds, 0.01);
        Assert.Equal(40, series.InputLufs.Length);
        Assert.Equal(40, series.OutputLufs.Length);
        var gain = status.Report!.GainDb;
        Assert.Equal(gain, series.GainDb);
        Assert.False(status.Report.PeakLimited);
        Assert.Equal(-6.93, gain, 0.1); // the integrated loudness is about −16.07 LUFS (both halves pass the gates)
        const double loud = -13.47, quiet = -23.47;
        output.WriteLine(TestAudio.F($"gain {gain:F3} dB; input 0-19 s {series.InputLufs[..20].Min():F3}..{series.InputLufs[..20].Max():F3}, 23-39 s {series.InputLufs[23..].Min():F3}..{series.InputLufs[23..].Max():F3}; largest |output - input - gain| {series.InputLufs.Zip(series.OutputLufs).Max(p => Math.Abs(p.Second - p.First - gain)):E1}"));
        for (var p = 0; p < 20; p++) Assert.Equal(loud, series.InputLufs[p], 0.5);
        for (var p = 23; p < 40; p++) Assert.Equal(quiet, series.InputLufs[p], 0.5);
        // Nothing but the one gain lies between the input's meter and the chunks' statistics here.
        for (var p = 0; p < 40; p++) Assert.Equal(series.InputLufs[p] + gain, series.OutputLufs[p], 1e-6);
        Assert.Equal(loud + gain, series.OutputLufs[10], 0.5);
    }

    [Fact]
    public async Task A_denoised_opus_job_keeps_a_point_a_second_for_input_and_output()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("series-opus");
        await jobs.StartJobAsync(jobId, fixture.Speech, JobClusterFixture.DenoisedOpus);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorCode}: {status.ErrorMessage}");

        var series = await jobs.Job(jobId).GetLoudnessSeriesAsync();

        // 20 s of speech at 22.05 kHz in, 16 kHz out: one point per second on both sides.
        Assert.Equal(1.0, series.SecondsPerPoint);
        Assert.Equal(20.0, series.DurationSeconds, 0.01);
        Assert.Equal(20, series.InputLufs.Length);
        Assert.Equal(20, series.OutputLufs.Length);
        Assert.All(series.InputLufs.Concat(series.OutputLufs), v => Assert.InRange(v, -70, 0));
        // Speech normalized to −23 LUFS integrated: its loudest seconds read a few LU above the target.
        Assert.InRange(series.OutputLufs.Max(), -23, -10);
    }

    [Fact]
    public async Task An_unknown_or_unfinished_job_has_none()
    {
        var unknown = await Assert.ThrowsAsync<AudioGrainsException>(() => fixture.Jobs.Job(JobClusterFixture.NewJobId("series-none")).GetLoudnessSeriesAsync());
        Assert.Equal(ErrorCodes.NotFound, unknown.Code);
    }
}
