using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>
/// Every command reads its settings from configuration (environment variables), and refuses invalid ones before any
/// work with the invalid-options code: `measure` included, which once built its ffmpeg settings past configuration.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Fact]
    public async Task Measure_runs_the_ffprobe_that_configuration_names()
    {
        // An M4A: a WAV is read from its header, without ffprobe.
        var input = await TestAudio.LavfiAsync(_dir.File("tone.m4a"), "sine=f=440:d=2", "-c:a", "aac");
        var result = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["AudioGrains__Ffmpeg__FfprobePath"] = _dir.File("no-such-ffprobe") },
            "measure", input);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: processing-failed: could not start", result.StandardError.Trim(), StringComparison.Ordinal);
        Assert.Contains("no-such-ffprobe", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Measure_applies_the_configured_limits()
    {
        var input = await TestAudio.MusicAsync(_dir.File("music.wav"), 2);
        var result = await CliProcess.RunWithAsync(new Dictionary<string, string> { ["AudioGrains__Limits__MaxChannels"] = "1" }, "measure", input);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: too-many-channels:", result.StandardError.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("measure", "AudioGrains__Limits__MaxChannels", "0")]
    [InlineData("measure", "AudioGrains__Ffmpeg__OpusComplexity", "11")]
    [InlineData("normalize", "AudioGrains__Processing__MaxChunksInFlight", "0")]
    [InlineData("normalize", "AudioGrains__Ffmpeg__Threads", "0")]
    public async Task An_invalid_setting_is_refused_at_start_with_invalid_options(string command, string variable, string value)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 2, 440, 0.3);
        string[] arguments = command == "measure" ? ["measure", input] : ["normalize", input, "-o", _dir.File("out.wav")];
        var result = await CliProcess.RunWithAsync(new Dictionary<string, string> { [variable] = value }, arguments);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: invalid-options:", result.StandardError.Trim(), StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
        Assert.False(File.Exists(_dir.File("out.wav")));
    }

    public void Dispose() => _dir.Dispose();
}
