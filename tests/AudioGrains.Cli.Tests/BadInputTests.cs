using System.Text.RegularExpressions;
using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>Bad input ends with a code and one plain line on standard error, and leaves nothing behind.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string, string> Cases => new()
    {
        { "empty", "empty-input" },
        { "text-as-mp3", "invalid-media" },
        { "truncated", "invalid-media" },
        { "video-without-audio", "no-audio-stream" },
        { "hls-playlist", "unsupported-format" },
        { "ffconcat-list", "unsupported-format" },
        { "missing", "input-not-found" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Normalize_fails_with_a_code_one_line_and_an_empty_data_folder(string kind, string code)
    {
        var input = await MakeAsync(kind);
        var data = _dir.Folder("data");
        var output = _dir.File("out.wav");

        var result = await CliProcess.RunAsync("normalize", input, "-o", output, "--data-dir", data);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches(new Regex($"^error: {Regex.Escape(code)}: .+"), line);
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.Empty(result.StandardOutput);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Measure_fails_with_the_same_code(string kind, string code)
    {
        var input = await MakeAsync(kind);
        var result = await CliProcess.RunAsync("measure", input, "--json");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(new Regex($"^error: {Regex.Escape(code)}: .+"), Assert.Single(result.ErrorLines));
        Assert.Empty(result.StandardOutput);
    }

    [Theory]
    [InlineData("--sample-rate", "fast")]
    [InlineData("--channels", "both")]
    [InlineData("--highpass", "low")]
    [InlineData("--target-lufs", "3")]
    [InlineData("--chunk-seconds", "0")]
    [InlineData("--format", "aiff")]
    public async Task Invalid_options_are_refused_before_any_work(string option, string value)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 1, 440, 0.1);
        var result = await CliProcess.RunAsync("normalize", input, "-o", _dir.File("out.wav"), option, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("^error: invalid-options: .+", Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task A_high_pass_cutoff_out_of_range_says_which_range(string hz)
    {
        // "0 Hz is outside 0..1000" read as a contradiction: the bound at 0 is open.
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 1, 440, 0.1);
        var result = await CliProcess.RunAsync("normalize", input, "-o", _dir.File("out.wav"), "--highpass", hz);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: invalid-options: high-pass cutoff {hz} Hz must be above 0 and at most 1000 Hz (or off)", Assert.Single(result.ErrorLines));
    }

    private async Task<string> MakeAsync(string kind)
    {
        switch (kind)
        {
            case "empty":
                await File.WriteAllBytesAsync(_dir.File("empty.wav"), []);
                return _dir.File("empty.wav");
            case "text-as-mp3":
                await File.WriteAllTextAsync(_dir.File("notes.mp3"), "These are my meeting notes, not an MP3.\n");
                return _dir.File("notes.mp3");
            case "truncated":
                var whole = await TestAudio.EncodeAsync(await TestAudio.MusicAsync(_dir.File("m.wav"), 10), _dir.File("whole.m4a"), "-c:a", "aac");
                var bytes = await File.ReadAllBytesAsync(whole);
                await File.WriteAllBytesAsync(_dir.File("truncated.m4a"), bytes[..(bytes.Length / 2)]);
                return _dir.File("truncated.m4a");
            case "video-without-audio":
                return await TestAudio.LavfiAsync(_dir.File("silent-film.mp4"), "testsrc=size=160x120:rate=10:duration=2", "-an", "-c:v", "mpeg4");
            case "hls-playlist":
                var segment = await TestAudio.ToneAsync(_dir.File("secret.wav"), 2, 440, 0.3);
                await File.WriteAllTextAsync(_dir.File("list.m3u8"),
                    $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n{segment}\n#EXT-X-ENDLIST\n");
                return _dir.File("list.m3u8");
            case "ffconcat-list":
                var part = await TestAudio.ToneAsync(_dir.File("part.wav"), 2, 440, 0.3);
                await File.WriteAllTextAsync(_dir.File("list.mp3"), $"ffconcat version 1.0\nfile '{part}'\nfile '{part}'\n");
                return _dir.File("list.mp3");
            default:
                return _dir.File("does-not-exist.mp3");
        }
    }

    public void Dispose() => _dir.Dispose();
}
