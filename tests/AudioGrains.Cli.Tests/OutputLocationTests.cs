using System.Diagnostics;
using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>An output that cannot be written is refused before any work with the contract's one line, not a stack trace after the job.</summary>
public sealed class OutputLocationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Theory]
    [InlineData("one", "under-a-file")]
    [InlineData("one", "read-only")]
    [InlineData("batch", "under-a-file")]
    [InlineData("batch", "read-only")]
    public async Task An_output_that_cannot_be_written_is_refused_before_any_work(string mode, string where)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 2, 440, 0.1);
        // A path below a file, and /proc, where not even root may create a file.
        var folder = where == "under-a-file" ? Path.Combine(input, "out") : "/proc";
        var data = _dir.Folder("data");
        string[] target = mode == "one" ? ["-o", Path.Combine(folder, "tone.wav")] : ["--output-dir", folder, "--format", "wav"];

        var watch = Stopwatch.StartNew();
        var result = await CliProcess.RunAsync(["normalize", input, .. target, "--json", "--data-dir", data]);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches("^error: invalid-options: cannot write into .+", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.Empty(result.StandardOutput);
        // Before any work: no job ever reached the data folder.
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
        Assert.True(File.Exists(input));
    }

    [Theory]
    [InlineData("one", "a-file")]
    [InlineData("one", "read-only")]
    [InlineData("batch", "a-file")]
    public async Task A_data_folder_that_cannot_be_used_is_refused_before_any_work(string mode, string where)
    {
        var input = await TestAudio.ToneAsync(_dir.File("tone.wav"), 2, 440, 0.1);
        var data = where == "a-file" ? input : "/proc/audiograins-data";
        var outDir = Path.Combine(_dir.Path, "out");
        string[] target = mode == "one" ? ["-o", Path.Combine(outDir, "tone.wav")] : ["--output-dir", outDir];

        var result = await CliProcess.RunAsync(["normalize", input, .. target, "--data-dir", data]);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches("^error: invalid-options: cannot write into .+", Assert.Single(result.ErrorLines));
        Assert.Empty(result.StandardOutput);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("one")]
    [InlineData("batch")]
    public async Task An_output_name_near_the_file_system_limit_is_written(string mode)
    {
        // 244 bytes: within the 255 a file name may have, so the temporary name beside it must not be longer.
        var name = new string('n', 240);
        var input = await TestAudio.ToneAsync(_dir.File(name + ".wav"), 2, 440, 0.1);
        var outDir = Path.Combine(_dir.Path, "out");
        string[] target = mode == "one" ? ["-o", Path.Combine(outDir, name + ".wav")] : ["--output-dir", outDir, "--format", "wav"];

        var result = await CliProcess.RunAsync(["normalize", input, .. target]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal([name + ".wav"], Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName));
        Assert.InRange((await Ebur128.MeasureAsync(Path.Combine(outDir, name + ".wav"))).IntegratedLufs, -23.2, -22.8);
    }

    public void Dispose() => _dir.Dispose();
}
