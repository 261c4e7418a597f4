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
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[RepoPaths.CliDll, "normalize", input, .. target, "--denoise", "speech", "--json", "--data-dir", data])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Interrupt once chunks are being processed.
            var started = Stopwatch.StartNew();
            while (!Directory.EnumerateFiles(data, "*.stats", SearchOption.AllDirectories).Any())
            {
                if (process.HasExited) Assert.Fail($"ended ({process.ExitCode}) before any chunk was processed: {await stdout} {await stderr}");
                Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), "no chunk was processed within 2 minutes");
                await Task.Delay(50);
            }
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            var interrupted = Stopwatch.StartNew();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(limit.Token);

            Assert.Equal(130, process.ExitCode);
            // Well under the job's own length (it exits 0 with an output when Ctrl+C is ignored); generous for a loaded machine.
            Assert.True(interrupted.Elapsed < TimeSpan.FromSeconds(60), $"took {interrupted.Elapsed} to stop");
            Assert.Empty(await stdout);
            Assert.DoesNotContain("   at ", await stderr);
            Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
            Assert.Empty(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    public void Dispose() => _dir.Dispose();
}
