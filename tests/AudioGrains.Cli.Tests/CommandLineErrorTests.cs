using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>
/// A command line that cannot be parsed, or that carries an option normalize does not have (ffmpeg-normalize's -t,
/// -ar, --print-stats, ...), ends with the error contract: exit 1, one `error: invalid-options: ...` line on standard
/// error, nothing on standard output (which --json reserves for JSON), and no work done.
/// </summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Theory]
    [InlineData("normalize IN -o OUT --target-lufs abc")]
    [InlineData("normalize IN -o OUT --json --target-lufs")]
    [InlineData("normalize --json")]
    [InlineData("measure IN IN --json")]
    [InlineData("measure --json")]
    public async Task A_command_line_that_does_not_parse_is_one_error_line_and_no_help_on_standard_output(string line)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 1, 440, 0.1);
        var result = await CliProcess.RunAsync(Arguments(line, input));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches("^error: invalid-options: .+", Assert.Single(result.ErrorLines));
        Assert.Empty(result.StandardOutput);
        Assert.False(File.Exists(_dir.File("out.wav")));
    }

    [Theory]
    [InlineData("normalize IN -o OUT -t -16", "-t")]
    [InlineData("normalize IN -o OUT -ar 16000", "-ar")]
    [InlineData("normalize IN -o OUT --print-stats --json", "--print-stats")]
    [InlineData("normalize IN --output-dir DIR -t -16 --json", "-t")]
    [InlineData("normalize IN --output-dir DIR --loudness-range-target 7", "--loudness-range-target")]
    public async Task An_option_normalize_does_not_have_is_named_and_refused_before_any_work(string line, string option)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 1, 440, 0.1);
        var result = await CliProcess.RunAsync(Arguments(line, input));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: invalid-options: unknown option \"{option}\" (see audiograins normalize --help)", Assert.Single(result.ErrorLines));
        Assert.Empty(result.StandardOutput);
        Assert.False(File.Exists(_dir.File("out.wav")));
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    private string[] Arguments(string line, string input) => line.Split(' ')
        .Select(a => a switch { "IN" => input, "OUT" => _dir.File("out.wav"), "DIR" => _dir.File("out"), _ => a })
        .ToArray();

    public void Dispose() => _dir.Dispose();
}
