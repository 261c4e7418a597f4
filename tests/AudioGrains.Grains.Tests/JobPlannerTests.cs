using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Grains.Tests;

/// <summary>How a job is cut up, from plain values: grid, working format, noise clip, segments and the work of each pass.</summary>
public sealed class JobPlannerTests
{
    private static readonly MediaFacts StereoMp3 = new() { FormatName = "mp3", AudioCodec = "mp3", SampleRate = 44100, Channels = 2, ChannelLayout = "stereo", DurationSeconds = 60 };

    [Theory]
    [InlineData(16000, 1, 1600)]
    [InlineData(16000, 256, 6400)]   // lcm(1600, 256)
    [InlineData(44100, 1, 4410)]
    [InlineData(44100, 256, 564480)] // lcm(4410, 256)
    [InlineData(48000, 1024, 76800)] // the speech estimator's hop at 48 kHz: lcm(4800, 1024)
    public void The_grid_is_the_loudness_block_and_with_the_gate_also_the_hop(int rate, int hop, int expected)
    {
        Assert.Equal(expected, JobPlanner.GridFrames(rate, hop));
    }

    [Theory]
    [InlineData(NoiseReduction.Stationary, 16000, 256)]
    [InlineData(NoiseReduction.Stationary, 48000, 256)]    // the gates keep noisereduce's frame at any rate
    [InlineData(NoiseReduction.NonStationary, 48000, 256)]
    [InlineData(NoiseReduction.Speech, 16000, 256)]
    [InlineData(NoiseReduction.Speech, 8000, 128)]          // the estimator keeps its 64 ms frame, 16 ms hop
    [InlineData(NoiseReduction.Speech, 32000, 512)]
    [InlineData(NoiseReduction.Speech, 44100, 1024)]        // at least 64 ms: 93 ms every 23 ms
    [InlineData(NoiseReduction.Speech, 22050, 512)]
    [InlineData(NoiseReduction.Speech, 48000, 1024)]
    public void Chunks_line_up_with_the_hop_of_the_mode_at_the_working_rate(NoiseReduction mode, int rate, int hop)
    {
        var options = new NormalizeOptions { Denoise = mode, SampleRate = rate, Mono = true };
        var layout = JobPlanner.Layout(options, StereoMp3 with { SampleRate = rate }, rate * 100L, 300, "x.mp3");
        Assert.Equal(hop, JobPlanner.StftHop(layout.Gate, rate));
        Assert.Equal(0, layout.GridFrames % hop);
        Assert.Equal(hop * 4, layout.Gate!.ToOptions(rate).FftSize);
        Assert.Equal(1, JobPlanner.StftHop(null, rate));
    }

    [Fact]
    public void The_working_format_follows_the_options_and_keeps_stereo_only_for_centre_extraction()
    {
        Assert.Equal((16000, 1, false), JobPlanner.WorkingFormat(new NormalizeOptions(), StereoMp3));
        Assert.Equal((44100, 2, false), JobPlanner.WorkingFormat(new NormalizeOptions { SampleRate = null, Mono = false }, StereoMp3));
        Assert.Equal((16000, 2, true), JobPlanner.WorkingFormat(new NormalizeOptions { IsolateVoice = true }, StereoMp3));
        Assert.Equal((16000, 1, false), JobPlanner.WorkingFormat(new NormalizeOptions { IsolateVoice = true }, StereoMp3 with { Channels = 1 }));
    }

    [Fact]
    public void The_noise_clip_widens_to_whole_hops_and_stops_at_the_end_of_the_signal()
    {
        var options = new NormalizeOptions { Denoise = NoiseReduction.Stationary, NoiseClipStartSeconds = 0.1, NoiseClipEndSeconds = 1.0 };
        Assert.Equal((1536L, 16128L), JobPlanner.NoiseClipFrames(options, 16000, 1_000_000, "x.wav", 256)); // 1600 -> 6*256, 16000 -> 63*256
        Assert.Equal((1536L, 10000L), JobPlanner.NoiseClipFrames(options, 16000, 10_000, "x.wav", 256));
        Assert.Null(JobPlanner.NoiseClipFrames(new NormalizeOptions(), 16000, 10_000, "x.wav", 256));
        var outside = options with { NoiseClipStartSeconds = 5, NoiseClipEndSeconds = 6 };
        var e = Assert.Throws<AudioGrainsException>(() => JobPlanner.NoiseClipFrames(outside, 16000, 16000, "x.wav", 256));
        Assert.Equal(ErrorCodes.InvalidOptions, e.Code);
        Assert.Contains("lies outside \"x.wav\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segments_are_whole_packets_from_the_start_with_a_short_last_one()
    {
        Assert.Equal(4_800_000, JobPlanner.SegmentFrames(300, 16000)); // 15,000 packets of 320 frames
        Assert.Equal(320, JobPlanner.SegmentFrames(0.001, 16000));     // at least one packet
        Assert.Equal([(0L, 300), (300L, 300), (600L, 300), (900L, 100)], JobPlanner.Segments(1000, 300));
        Assert.Equal(0, JobPlanner.SegmentPreRoll(0, 16000));
        Assert.Equal(5000, JobPlanner.SegmentPreRoll(5000, 16000));
        Assert.Equal(32000, JobPlanner.SegmentPreRoll(4_800_000, 16000)); // two seconds
    }

    [Theory]
    [InlineData("webm", 16000, true)]
    [InlineData("opus", 48000, true)]
    [InlineData("opus", 44100, false)] // libopus would resample: one sequential encode
    [InlineData("wav", 16000, false)]
    [InlineData("flac", 16000, false)]
    public void Only_opus_at_an_opus_rate_is_encoded_in_segments(string format, int rate, bool expected)
    {
        Assert.Equal(expected, JobPlanner.EncodesSegments(new NormalizeOptions { OutputFormat = format }, rate));
    }

    [Fact]
    public void A_stationary_job_is_laid_out_on_the_hop_grid_with_its_gate_and_noise_clip()
    {
        var options = new NormalizeOptions { Denoise = NoiseReduction.Stationary, ChunkSeconds = 5, NoiseClipStartSeconds = 0, NoiseClipEndSeconds = 2, HighPassHz = 80 };
        var layout = JobPlanner.Layout(options, StereoMp3, 16000 * 60, 20, "talk.mp3");
        Assert.Equal((16000, 1, 1), (layout.SampleRate, layout.Channels, layout.OutputChannels));
        Assert.Equal(6400, layout.GridFrames);
        Assert.Equal(76800, layout.ChunkFrames); // 5 s rounded to 12 grids of 400 ms: 4.8 s
        Assert.Equal(13, layout.Chunks().Count);
        Assert.Equal((0L, 32000L), (layout.NoiseClipStartFrame!.Value, layout.NoiseClipEndFrame!.Value));
        Assert.Equal(320_000, layout.SegmentFrames);
        Assert.Equal([1.0], layout.ChannelWeights);
        Assert.Equal(new GateSpec
        {
            Mode = NoiseReduction.Stationary, Strength = 0.8, IsolateVoice = false, CentreExtraction = false,
            ThresholdStd = 1.5, FreqSmoothHz = 500, TimeSmoothMs = 50,
        }, layout.Gate);
        Assert.True(JobPlanner.NeedsAnalysis(options));
    }

    [Fact]
    public void Without_denoise_or_isolation_there_is_no_gate()
    {
        var layout = JobPlanner.Layout(new NormalizeOptions(), StereoMp3, 16000 * 10, 300, "a.mp3");
        Assert.Null(layout.Gate);
        Assert.Equal(1600, layout.GridFrames);
        Assert.False(JobPlanner.NeedsAnalysis(new NormalizeOptions()));
    }

    [Fact]
    public void The_work_of_each_pass_names_its_frames_context_and_keys()
    {
        var spec = new JobSpec { InputKey = "in", FileName = "talk.mp3", Options = new NormalizeOptions { Denoise = NoiseReduction.Stationary, ChunkSeconds = 5, HighPassHz = 80, OutputFormat = "opus" }, CorrelationId = "c" };
        var layout = JobPlanner.Layout(spec.Options, StereoMp3, 16000 * 60, 20, "talk.mp3");
        var plan = new JobPlan("job", spec, layout);

        var process = plan.Process(2);
        Assert.Equal((2 * 76800L, 76800), (process.Chunk.StartFrame, process.Chunk.Frames));
        Assert.Equal(8192, process.PreRollFrames); // 0.5 s rounded up to whole hops
        Assert.Equal(80, process.Chunk.HighPassHz);
        Assert.Equal((JobBlobKeys.SignalMaxima("job"), JobBlobKeys.NoiseProfile("job")), (process.SignalMaximaKey, process.NoiseProfileKey));
        Assert.Equal(JobBlobKeys.Chunk("job", 2), process.Chunk.OutputKey);
        Assert.Equal(0, plan.Process(0).PreRollFrames);
        Assert.Equal(16000 * 60 - 12 * 76800, plan.Process(12).Chunk.Frames);

        Assert.Null(plan.Analyze(1, AnalysisStep.Maxima).NoiseMaximaKey);
        Assert.Equal(JobBlobKeys.NoiseMaxima("job"), plan.Analyze(1, AnalysisStep.Noise).NoiseMaximaKey);

        Assert.Equal(3, plan.Segments.Count);
        var encode = plan.Encode(1, 1.25);
        Assert.Equal((320_000L, 320_000, 32000, 3200), (encode.StartFrame, encode.Frames, encode.PreRollFrames, encode.PostRollFrames));
        Assert.Equal((1.25, 76800, true), (encode.Gain, encode.ChunkFrames, encode.Measure));
        Assert.Equal(JobBlobKeys.Segment("job", 1), encode.SegmentKey);
        Assert.True(plan.EncodesSegments);
    }

    [Fact]
    public void Only_chunks_that_hold_part_of_the_noise_clip_measure_noise()
    {
        var spec = new JobSpec { InputKey = "in", FileName = "a.wav", Options = new NormalizeOptions { Denoise = NoiseReduction.Stationary, ChunkSeconds = 5, NoiseClipStartSeconds = 7, NoiseClipEndSeconds = 11 } };
        var plan = new JobPlan("job", spec, JobPlanner.Layout(spec.Options, StereoMp3, 16000 * 30, 300, "a.wav"));
        Assert.Equal([1, 2], plan.NoiseChunks); // chunks of 4.8 s: [4.8, 9.6) and [9.6, 14.4)
        var whole = new JobPlan("job", spec with { Options = spec.Options with { NoiseClipStartSeconds = null, NoiseClipEndSeconds = null } }, plan.Layout with { NoiseClipStartFrame = null, NoiseClipEndFrame = null });
        Assert.Equal(whole.AllChunks, whole.NoiseChunks);
    }
}
