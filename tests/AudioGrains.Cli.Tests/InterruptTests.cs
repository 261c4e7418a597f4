using System.Diagnostics;
using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) in the middle of a job cancels it: exit status 130, no output, no temp file, an empty data folder.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Theory]
    [InlineData("one")]
    [InlineData("batch")]
    public async Task Sigint_mid_job_cancels_with_130_and_leaves_nothing_behind(string mode)
    {
        // An hour of tone with the speech estimator: a minute or more of work on this machine, far more than the test waits.
        var input = await TestAudio.LavfiAsync(_dir.File("long.flac"), "sine=frequency=440:duration=3600:sample_rate=16000");
        var outDir = _dir.Folder("out");
        var data = _dir.Folder("data");
        string[] target = mode == "one" ? ["-o", Path.Combine(outDir, "long.wav")] : ["--output-dir", outDir, "--format", "wav"];
        using var cli = RunningCli.Start(["normalize", input, .. target, "--denoise", "speech", "--json", "--data-dir", data]);

        // Interrupt once chunks are being processed.
        var started = Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(data, "*.stats", SearchOption.AllDirectories).Any())
        {
            if (cli.HasExited) Assert.Fail($"ended ({cli.ExitCode}) before any chunk was processed: {await cli.StandardOutput} {await cli.StandardError}");
            Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), "no chunk was processed within 2 minutes");
            await Task.Delay(50);
        }
        var stopping = await cli.InterruptAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(130, cli.ExitCode);
        // Well under the job's own length (it exits 0 with an output when Ctrl+C is ignored); generous for a loaded machine.
        Assert.True(stopping < TimeSpan.FromSeconds(60), $"took {stopping} to stop");
        Assert.Empty(await cli.StandardOutput);
        Assert.DoesNotContain("   at ", await cli.StandardError);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
        Assert.Empty(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories));
    }

    public void Dispose() => _dir.Dispose();
}
