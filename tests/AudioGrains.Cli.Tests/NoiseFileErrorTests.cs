using System.Text.RegularExpressions;
using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>A --noise-file that cannot be used is refused before any job with an error that names the user's file, once, for one input or a batch.</summary>
public sealed class NoiseFileErrorTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Theory]
    [InlineData("one", "video-without-audio", "no-audio-stream")]
    [InlineData("one", "too-long", "too-long")]
    [InlineData("batch", "video-without-audio", "no-audio-stream")]
    [InlineData("batch", "too-long", "too-long")]
    public async Task A_bad_noise_file_is_one_error_naming_it(string mode, string kind, string code)
    {
        var a = await TestAudio.ToneAsync(_dir.File("a.wav"), 2, 440, 0.1);
        var b = await TestAudio.ToneAsync(_dir.File("b.wav"), 2, 440, 0.1);
        var noise = kind == "too-long"
            ? await TestAudio.LavfiAsync(_dir.File("room-tone.wav"), "anoisesrc=d=70:c=pink:a=0.05:r=16000")
            : await TestAudio.LavfiAsync(_dir.File("room-tone.mp4"), "testsrc=size=160x120:rate=10:duration=2", "-an", "-c:v", "mpeg4");
        var outDir = Path.Combine(_dir.Path, "out");
        string[] target = mode == "one" ? [a, "-o", Path.Combine(outDir, "a.wav")] : [a, b, "--output-dir", outDir];

        var result = await CliProcess.RunAsync(["normalize", .. target, "--denoise", "stationary", "--noise-file", noise, "--json"]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches(new Regex($"^error: {Regex.Escape(code)}: .*\"{Regex.Escape(Path.GetFileName(noise))}\""), line);
        Assert.DoesNotContain("noise-input", line);
        Assert.Empty(result.StandardOutput);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    public void Dispose() => _dir.Dispose();
}
