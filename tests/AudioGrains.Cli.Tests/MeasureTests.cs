using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>`measure` agrees with ffmpeg's ebur128 filter on generated speech, music and noise.</summary>
public sealed class MeasureTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string> Kinds => ["speech", "music", "noise"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Measure_agrees_with_ffmpeg_ebur128_within_a_tenth_of_a_LU(string kind)
    {
        var input = kind switch
        {
            "speech" => await TestAudio.SpeechAsync(_dir.File("speech.wav"), 20, noiseAmplitude: 0.02),
            "music" => await TestAudio.MusicAsync(_dir.File("music.wav"), 20),
            _ => await TestAudio.NoiseAsync(_dir.File("noise.wav"), 20),
        };
        var ours = await CliProcess.JsonAsync("measure", input);
        var ffmpeg = await Ebur128.MeasureAsync(input);

        Assert.InRange(ours.Number("integrated_lufs"), ffmpeg.IntegratedLufs - 0.1, ffmpeg.IntegratedLufs + 0.1);
        Assert.InRange(ours.Number("duration_s"), 19.9, 20.1);
        Assert.True(ours.Number("true_peak_dbtp") >= ours.Number("sample_peak_dbfs"), "true peak is never below sample peak");
    }

    [Fact]
    public async Task Measure_reports_the_file_as_it_is_without_downmix()
    {
        var input = await TestAudio.MusicAsync(_dir.File("music.wav"), 5);
        var ours = await CliProcess.JsonAsync("measure", input);
        Assert.Equal(44100, ours.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, ours.GetProperty("channels").GetInt32());
    }

    public void Dispose() => _dir.Dispose();
}
