using System.Text.Json;
using System.Text.RegularExpressions;
using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>`normalize IN... --output-dir DIR`: one output per input at the target, a bad input fails alone, names that clash are refused.</summary>
public sealed class BatchNormalizeTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Fact]
    public async Task Every_good_input_reaches_the_target_and_a_bad_one_fails_alone_with_its_code()
    {
        var speech = await TestAudio.SpeechAsync(_dir.File("speech.wav"), 12);
        var quiet = await TestAudio.EncodeAsync(await TestAudio.MusicAsync(_dir.File("quiet-src.wav"), 10, gain: 0.01), _dir.File("quiet.mp3"), "-c:a", "libmp3lame");
        var loud = await TestAudio.EncodeAsync(await TestAudio.NoiseAsync(_dir.File("loud-src.wav"), 8, amplitude: 0.6), _dir.File("loud.flac"));
        var notAudio = _dir.File("notes.mp3");
        await File.WriteAllTextAsync(notAudio, "These are my meeting notes, not an MP3.\n");
        var missing = _dir.File("gone.wav");
        var outDir = Path.Combine(_dir.Path, "out");
        var data = _dir.Folder("data");
        string[] inputs = [speech, notAudio, quiet, missing, loud];

        var result = await CliProcess.RunAsync(["normalize", .. inputs, "--output-dir", outDir, "--format", "wav", "--json", "--data-dir", data]);

        Assert.Equal(1, result.ExitCode);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(inputs.Length, lines.Length);
        var byInput = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToDictionary(e => e.GetProperty("input_file").GetString()!);
        Assert.Equal(inputs.Order(), byInput.Keys.Order());

        foreach (var (input, code) in new[] { (notAudio, "invalid-media"), (missing, "input-not-found") })
        {
            var line = byInput[input];
            Assert.Equal("failed", line.GetProperty("status").GetString());
            Assert.Equal(code, line.GetProperty("error_code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(line.GetProperty("error_message").GetString()));
            Assert.Equal(JsonValueKind.Null, line.GetProperty("output_file").ValueKind);
            Assert.Contains(result.ErrorLines, e => Regex.IsMatch(e, $"^error: {Regex.Escape(code)}: {Regex.Escape(input)}: .+"));
        }
        Assert.Equal(2, result.ErrorLines.Length);
        // Messages name the user's file, not the silo's staged copy of it.
        Assert.StartsWith("\"notes.mp3\" is not a readable audio or video file", byInput[notAudio].GetProperty("error_message").GetString());
        Assert.False(File.Exists(Path.Combine(outDir, "notes.wav")));
        Assert.False(File.Exists(Path.Combine(outDir, "gone.wav")));

        foreach (var (input, name) in new[] { (speech, "speech.wav"), (quiet, "quiet.wav"), (loud, "loud.wav") })
        {
            var line = byInput[input];
            var output = Path.Combine(outDir, name);
            Assert.Equal("completed", line.GetProperty("status").GetString());
            Assert.Equal(output, line.GetProperty("output_file").GetString());
            var measured = await Ebur128.MeasureAsync(output);
            Assert.InRange(measured.IntegratedLufs, -23.5, -22.5);
            // The same report fields as the single-file --json.
            Assert.InRange(line.GetProperty("output").Number("integrated_lufs"), measured.IntegratedLufs - 0.1, measured.IntegratedLufs + 0.1);
            Assert.Equal(16000, line.GetProperty("output").GetProperty("sample_rate").GetInt32());
            Assert.Equal("wav", line.GetProperty("applied").GetProperty("format").GetString());
            Assert.True(line.TryGetProperty("gain_db", out _) && line.TryGetProperty("steps_s", out _) && line.TryGetProperty("elapsed_s", out _));
        }
        // Gains are each input's own: the quiet music is raised, the loud noise lowered.
        Assert.True(byInput[quiet].Number("gain_db") > 20, $"quiet gain {byInput[quiet].Number("gain_db")}");
        Assert.True(byInput[loud].Number("gain_db") < -1, $"loud gain {byInput[loud].Number("gain_db")}");
        // Only the three outputs; no temp files, and nothing left in the data folder.
        Assert.Equal(["loud.wav", "quiet.wav", "speech.wav"], Directory.EnumerateFileSystemEntries(outDir).Select(p => Path.GetFileName(p)).Order());
        Assert.Empty(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Two_inputs_with_the_same_name_are_refused_before_any_work()
    {
        var a = await TestAudio.ToneAsync(_dir.File("talk.wav"), 2, 440, 0.1);
        var b = await TestAudio.EncodeAsync(a, Path.Combine(_dir.Folder("other"), "TALK.mp3"));
        var outDir = Path.Combine(_dir.Path, "out");

        var result = await CliProcess.RunAsync("normalize", a, b, "--output-dir", outDir, "--json");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches("^error: invalid-options: .+", line);
        Assert.Contains(a, line);
        Assert.Contains(b, line);
        Assert.Empty(result.StandardOutput);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Text_report_is_one_line_per_input_and_a_summary_and_the_default_format_is_webm()
    {
        var a = await TestAudio.SpeechAsync(_dir.File("one.wav"), 6);
        var b = await TestAudio.EncodeAsync(await TestAudio.MusicAsync(_dir.File("two-src.wav"), 6), _dir.File("two.mp3"));
        var outDir = Path.Combine(_dir.Path, "out");

        var result = await CliProcess.RunAsync("normalize", a, b, "--output-dir", outDir);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Single(lines, l => l.StartsWith("ok ", StringComparison.Ordinal) && l.Contains(Path.Combine(outDir, "one.webm")));
        Assert.Single(lines, l => l.StartsWith("ok ", StringComparison.Ordinal) && l.Contains(Path.Combine(outDir, "two.webm")));
        Assert.StartsWith("2 of 2 normalized, 0 failed", lines[^1]);
        foreach (var name in new[] { "one.webm", "two.webm" })
            Assert.InRange((await Ebur128.MeasureAsync(Path.Combine(outDir, name))).IntegratedLufs, -23.5, -22.5);
    }

    [Theory]
    [InlineData("-o")]
    [InlineData("none")]
    public async Task Several_inputs_without_an_output_dir_are_refused(string how)
    {
        var a = await TestAudio.ToneAsync(_dir.File("a.wav"), 1, 440, 0.1);
        var b = await TestAudio.ToneAsync(_dir.File("b.wav"), 1, 440, 0.1);
        string[] args = how == "-o" ? ["normalize", a, b, "-o", _dir.File("out.wav")] : ["normalize", a, b];
        var result = await CliProcess.RunAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches("^error: invalid-options: .+", Assert.Single(result.ErrorLines));
        Assert.False(File.Exists(_dir.File("out.wav")));
    }

    public void Dispose() => _dir.Dispose();
}
