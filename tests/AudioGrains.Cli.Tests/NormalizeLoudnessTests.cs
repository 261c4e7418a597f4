using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>Normalized outputs, measured independently by ffmpeg's ebur128, hit the target or sit at the ceiling.</summary>
public sealed class NormalizeLoudnessTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string, double> Cases => new()
    {
        { "speech", -23 },
        { "music", -23 },
        { "quiet", -23 },
        { "loud", -23 },
        { "speech", -16 },
        { "spiky", -23 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Output_is_within_two_tenths_of_the_target_or_at_the_true_peak_ceiling(string kind, double target)
    {
        var input = kind switch
        {
            "speech" => await TestAudio.SpeechAsync(_dir.File("speech.wav"), 25),
            "music" => await TestAudio.MusicAsync(_dir.File("music.wav"), 25),
            "quiet" => await TestAudio.MusicAsync(_dir.File("quiet.wav"), 25, gain: 0.004),   // about -55 LUFS
            "loud" => await TestAudio.NoiseAsync(_dir.File("loud.wav"), 25, amplitude: 0.9),  // about -8 LUFS
            // Quiet noise (about -45 LUFS) with one 5 ms tone burst near full scale: reaching -23 LUFS
            // would push the peak far over -1 dBTP, and the burst is too short to move the gated loudness.
            _ => await TestAudio.LavfiAsync(_dir.File("spiky.wav"),
                "aevalsrc='0.01*(random(0)-0.5)*2+0.9*sin(2*PI*1000*t)*between(t,10,10.005)':s=48000:d=25"),
        };
        var output = _dir.File("out.wav");
        var report = await CliProcess.JsonAsync("normalize", input, "-o", output, "--target-lufs", TestAudio.F($"{target}"));
        var measured = await Ebur128.MeasureAsync(output);

        if (kind == "spiky") Assert.True(report.GetProperty("peak_limited").GetBoolean(), "the burst must limit the gain");
        if (report.GetProperty("peak_limited").GetBoolean())
        {
            Assert.InRange(measured.TruePeakDbtp, -1.1, -0.9);
            Assert.True(measured.IntegratedLufs < target - 0.2, "a limited gain stays below the target");
        }
        else
        {
            Assert.InRange(measured.IntegratedLufs, target - 0.2, target + 0.2);
        }
        var outputReport = report.GetProperty("output");
        Assert.Equal(16000, outputReport.GetProperty("sample_rate").GetInt32());
        Assert.Equal(1, outputReport.GetProperty("channels").GetInt32());
        Assert.InRange(outputReport.Number("integrated_lufs"), measured.IntegratedLufs - 0.1, measured.IntegratedLufs + 0.1);
    }

    [Fact]
    public async Task Keep_rate_and_channels_keeps_them_and_the_format_follows_the_extension()
    {
        var input = await TestAudio.MusicAsync(_dir.File("music.wav"), 10);
        var output = _dir.File("out.flac");
        var report = await CliProcess.JsonAsync("normalize", input, "-o", output, "--sample-rate", "keep", "--channels", "keep");
        var o = report.GetProperty("output");
        Assert.Equal(44100, o.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, o.GetProperty("channels").GetInt32());
        var probe = await ProcessRunner.RunCheckedAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", output]);
        Assert.Equal("flac", probe.StandardOutput.Trim());
        Assert.InRange((await Ebur128.MeasureAsync(output)).IntegratedLufs, -23.2, -22.8);
    }

    [Fact]
    public async Task Surround_kept_into_mp3_is_downmixed_to_stereo_before_the_gain_and_reaches_the_target()
    {
        // MP3 holds two channels. The gain must be the stereo downmix's: computed on the 5.1 and applied before the
        // encoder's downmix, this input came out near -20.4 LUFS.
        var input = await TestAudio.LavfiAsync(_dir.File("surround.wav"),
            "anoisesrc=d=10:c=pink:a=0.1:r=48000,pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0");
        var output = _dir.File("out.mp3");
        var report = await CliProcess.JsonAsync("normalize", input, "-o", output, "--channels", "keep");
        var measured = await Ebur128.MeasureAsync(output);

        Assert.Equal(6, report.GetProperty("input").GetProperty("channels").GetInt32());
        Assert.Equal(2, report.GetProperty("output").GetProperty("channels").GetInt32());
        var probe = await ProcessRunner.RunCheckedAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,channels", "-of", "csv=p=0", output]);
        Assert.Equal("mp3,2", probe.StandardOutput.Trim());
        // The encoder's lowpass takes about 0.5 LU of pink noise (a mono input loses as much).
        Assert.InRange(measured.IntegratedLufs, -23.8, -22.7);
        Assert.InRange(report.GetProperty("output").Number("integrated_lufs"), measured.IntegratedLufs - 0.1, measured.IntegratedLufs + 0.1);
    }

    [Fact]
    public async Task Default_output_is_speech_ready_opus_and_the_text_report_names_it()
    {
        var input = await TestAudio.SpeechAsync(_dir.File("speech.wav"), 8);
        var output = _dir.File("out.webm");
        var result = await CliProcess.RunAsync("normalize", input, "-o", output);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("LUFS", result.StandardOutput);
        Assert.Contains(output, result.StandardOutput);
        var probe = await ProcessRunner.RunCheckedAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", output]);
        Assert.Equal("opus", probe.StandardOutput.Trim());
        Assert.InRange((await Ebur128.MeasureAsync(output)).IntegratedLufs, -23.5, -22.5);
    }

    public void Dispose() => _dir.Dispose();
}
