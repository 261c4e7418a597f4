using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Grains.Tests;

/// <summary>The transition table, the retry's resume point, what each phase starts from, and the status a caller sees.</summary>
public sealed class JobTransitionsTests
{
    private static readonly MediaFacts Wav = new() { FormatName = "wav", AudioCodec = "pcm_s16le", SampleRate = 16000, Channels = 1, DurationSeconds = 60 };

    private static JobState StateFor(NormalizeOptions options, long frames = 16000 * 60) => new()
    {
        Spec = new JobSpec { InputKey = "in", FileName = "a.wav", Options = options },
        Media = Wav,
        Layout = JobPlanner.Layout(options, Wav, frames, 20, "a.wav"),
    };

    private static List<JobPhase> Walk(JobState s)
    {
        var phases = new List<JobPhase> { JobPhase.Queued };
        while (!phases[^1].IsTerminal()) phases.Add(JobTransitions.Next(phases[^1], PhaseOutcome.Done, s));
        return phases;
    }

    [Fact]
    public void A_wav_job_without_denoise_goes_straight_through()
    {
        Assert.Equal([JobPhase.Queued, JobPhase.Probing, JobPhase.Decoding, JobPhase.Processing, JobPhase.Assembling, JobPhase.Completed],
            Walk(StateFor(new NormalizeOptions { OutputFormat = "wav" })));
    }

    [Fact]
    public void Stationary_denoise_adds_the_analysis_and_opus_the_segment_encoding()
    {
        Assert.Equal([JobPhase.Queued, JobPhase.Probing, JobPhase.Decoding, JobPhase.Analyzing, JobPhase.Processing, JobPhase.Encoding, JobPhase.Assembling, JobPhase.Completed],
            Walk(StateFor(new NormalizeOptions { Denoise = NoiseReduction.Stationary, OutputFormat = "opus" })));
        Assert.DoesNotContain(JobPhase.Analyzing, Walk(StateFor(new NormalizeOptions { Denoise = NoiseReduction.NonStationary })));
        Assert.DoesNotContain(JobPhase.Analyzing, Walk(StateFor(new NormalizeOptions { Denoise = NoiseReduction.Speech })));
    }

    [Fact]
    public void The_pipeline_order_is_the_order_of_the_phases()
    {
        var phases = Walk(StateFor(new NormalizeOptions { Denoise = NoiseReduction.Stationary, OutputFormat = "opus" }));
        Assert.Equal(phases.OrderBy(p => (int)p), phases);
    }

    [Theory]
    [InlineData(JobPhase.Analyzing)]
    [InlineData(JobPhase.Processing)]
    [InlineData(JobPhase.Encoding)]
    public void A_lost_working_pcm_sends_the_job_back_to_the_decode(JobPhase from)
    {
        Assert.Equal(JobPhase.Decoding, JobTransitions.Next(from, PhaseOutcome.WorkingPcmLost, StateFor(new NormalizeOptions())));
    }

    [Theory]
    [InlineData(JobPhase.Analyzing, true, JobPhase.Analyzing)]
    [InlineData(JobPhase.Processing, true, JobPhase.Processing)]
    [InlineData(JobPhase.Encoding, true, JobPhase.Encoding)]
    [InlineData(JobPhase.Assembling, true, JobPhase.Assembling)]
    [InlineData(JobPhase.Decoding, true, JobPhase.Processing)]
    [InlineData(JobPhase.Probing, false, JobPhase.Queued)]
    [InlineData(JobPhase.Encoding, false, JobPhase.Queued)]
    [InlineData(null, true, JobPhase.Processing)]
    public void A_retry_resumes_the_failed_phase_while_the_working_pcm_is_there(JobPhase? failedIn, bool hasPcm, JobPhase expected)
    {
        Assert.Equal(expected, JobTransitions.ResumeAfterRetry(failedIn, hasPcm));
    }

    [Fact]
    public void Each_pass_starts_with_an_empty_bitmap_of_its_own_size_and_no_failed_tries()
    {
        var s = StateFor(new NormalizeOptions { Denoise = NoiseReduction.Stationary, OutputFormat = "opus", ChunkSeconds = 2 });
        s.Attempts = 2;
        s.AnalysisStep = AnalysisStep.Noise;
        JobTransitions.Enter(s, JobPhase.Analyzing);
        Assert.Equal((JobPhase.Analyzing, 0, AnalysisStep.Maxima), (s.Phase, s.Attempts, s.AnalysisStep));
        Assert.Equal((s.Layout!.Chunks().Count + 7) / 8, s.CompletedChunks.Length);

        CompletionBitmap.Set(s.CompletedChunks, 3);
        JobTransitions.Enter(s, JobPhase.Processing);
        Assert.Equal(0, CompletionBitmap.Count(s.CompletedChunks));

        JobTransitions.Enter(s, JobPhase.Encoding);
        Assert.Single(s.EncodedSegments); // 3 segments of 20 s
    }

    [Fact]
    public void Progress_grows_through_the_phases_and_a_finished_job_shows_all_its_chunks_done()
    {
        var s = StateFor(new NormalizeOptions { OutputFormat = "opus", ChunkSeconds = 2 });
        var chunks = s.Layout!.Chunks().Count;
        JobTransitions.Enter(s, JobPhase.Processing);
        for (var i = 0; i < chunks / 2; i++) CompletionBitmap.Set(s.CompletedChunks, i);
        var half = JobStatusProjection.Of("j", s, "silo");
        Assert.Equal((15 + 35, chunks, chunks / 2), (half.Progress, half.ChunksTotal, half.ChunksCompleted));
        Assert.Equal(3, half.SegmentsTotal);

        JobTransitions.Enter(s, JobPhase.Encoding);
        CompletionBitmap.Set(s.EncodedSegments, 0);
        var encoding = JobStatusProjection.Of("j", s, "silo");
        Assert.Equal((88, chunks, 1, 3), (encoding.Progress, encoding.ChunksCompleted, encoding.SegmentsCompleted, encoding.SegmentsTotal));

        CompletionBitmap.Set(s.EncodedSegments, 1);
        CompletionBitmap.Set(s.EncodedSegments, 2);
        JobTransitions.Enter(s, JobPhase.Completed);
        var done = JobStatusProjection.Of("j", s, "silo");
        Assert.Equal((100, chunks, chunks, 3, 3), (done.Progress, done.ChunksTotal, done.ChunksCompleted, done.SegmentsTotal, done.SegmentsCompleted));
    }

    [Fact]
    public void A_job_that_was_never_started_does_not_exist()
    {
        Assert.False(JobStatusProjection.Of("j", new JobState(), "silo").Exists);
    }

    [Fact]
    public void The_bitmap_lists_its_ranges_for_the_logs()
    {
        var bitmap = CompletionBitmap.For(20);
        foreach (var i in new[] { 0, 1, 2, 3, 7, 9, 10, 11, 12, 19 }) CompletionBitmap.Set(bitmap, i);
        Assert.Equal("0-3,7,9-12,19", CompletionBitmap.Ranges(bitmap, 20));
        Assert.Equal(10, CompletionBitmap.Count(bitmap));
        Assert.False(CompletionBitmap.IsSet(bitmap, 400));
    }
}

/// <summary>The failure policy: permanent errors fail at once, transient ones retry with backoff until the last try dead-letters.</summary>
public sealed class FailurePolicyTests
{
    private static readonly ProcessingOptions Options = new() { MaxJobAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(3) };

    [Fact]
    public void A_permanent_error_fails_at_once_with_its_code()
    {
        var d = FailurePolicy.Decide(new AudioGrainsException(ErrorCodes.TooLong, "too long"), JobPhase.Probing, 1, Options);
        Assert.Equal((FailureAction.Fail, ErrorCodes.TooLong, "too long"), (d.Action, d.Code, d.Message));
    }

    [Fact]
    public void A_transient_error_retries_with_growing_jittered_backoff_then_dead_letters()
    {
        var first = FailurePolicy.Decide(new IOException("disk hiccup"), JobPhase.Processing, 1, Options);
        var second = FailurePolicy.Decide(new TimeoutException("slow"), JobPhase.Processing, 2, Options);
        Assert.Equal((FailureAction.Retry, ErrorCodes.ProcessingFailed), (first.Action, first.Code));
        // Not the exception's own message, which may name server paths.
        Assert.Equal("an internal error occurred (IOException)", first.Message);
        Assert.InRange(first.Delay.TotalSeconds, 0.5, 1);
        Assert.InRange(second.Delay.TotalSeconds, 1, 2);
        var last = FailurePolicy.Decide(new AudioGrainsException(ErrorCodes.Timeout, "ffmpeg ran out of time"), JobPhase.Encoding, 3, Options);
        Assert.Equal((FailureAction.DeadLetter, ErrorCodes.Timeout, "encoding failed after 3 attempts: ffmpeg ran out of time"), (last.Action, last.Code, last.Message));
    }
}
