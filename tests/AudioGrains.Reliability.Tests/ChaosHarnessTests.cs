using System.Globalization;
using System.Text.RegularExpressions;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Reliability.Tests;

/// <summary>
/// The chaos harness's short form (issue 12): bench/chaos.sh drives a loopback cluster of 3 silo processes on Redis and
/// S3 (scripts/cluster) through the command-line contract, one fault per trial, with jobs of mixed inputs and options
/// in flight (300 s inputs, the fault right after the last submission, so it hits running jobs). Each trial passes only
/// when every job completes with the bytes of a fault-free `normalize` and no chunk recorded complete before the fault
/// is computed again. The full form (50 trials, every fault kind) runs on demand:
/// docs/reliability.md.
/// </summary>
public sealed partial class ChaosHarnessTests(ITestOutputHelper output)
{
    private static readonly string[] Faults = ["kill9", "redis3", "s3", "chunk-transient"];

    [Fact]
    public async Task The_short_form_passes_a_silo_kill_a_Redis_outage_an_S3_restart_and_a_transient_chunk_fault()
    {
        using var work = new TempFolder();
        var environment = new Dictionary<string, string>
        {
            // The build under test, not a Release build of the working tree.
            ["AUDIOGRAINS_CLI_DIR"] = Path.GetDirectoryName(RepoPaths.CliDll)!,
        };
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync("bash",
                [Path.Combine(RepoPaths.Root, "bench", "chaos.sh"), "--trials", $"{Faults.Length}", "--seed", "2212",
                 "--faults", string.Join(',', Faults), "--in-turn", "--jobs", "2", "--seconds", "300", "--at", "0",
                 "--budget", "600", "--trial-timeout", "150", "--out-dir", work.Path],
                TimeSpan.FromMinutes(12), environment);
        }
        finally
        {
            await StopLeftoverClustersAsync(work.Path);
        }
        output.WriteLine(result.StandardOutput);
        output.WriteLine(result.StandardError);
        if (result.ExitCode != 0)
        {
            try
            {
                WriteWhatAFailedTrialKept(work.Path);
            }
            catch (IOException e)
            {
                output.WriteLine($"the failed trials' logs could not be read: {e.Message}");
            }
        }

        Assert.True(result.ExitCode == 0, $"chaos.sh exited {result.ExitCode}:\n{result.StandardError}");
        Assert.Contains($"trials: {Faults.Length}, passed: {Faults.Length}", result.StandardOutput);
        var rows = TrialRow().Matches(result.StandardOutput);
        Assert.Equal(Faults, rows.Select(r => r.Groups["fault"].Value));
        Assert.All(rows, r => Assert.Equal("2 / 2", r.Groups["identical"].Value));
        Assert.All(rows, r => Assert.Equal("pass", r.Groups["result"].Value));
        // The harness's own check of recomputation ran in each trial, and found none.
        Assert.Equal(Faults.Length, RecomputedNone().Matches(result.StandardError).Count);
        // Every fault hit a running job: a fault after they had all finished would test nothing. (The first job of a
        // trial may be done by the time the second is submitted.)
        var inFlight = InFlightAtFault().Matches(result.StandardError);
        Assert.Equal(Faults.Length, inFlight.Count);
        Assert.All(inFlight, m => Assert.InRange(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), 1, 2));
    }

    /// <summary>
    /// A failed trial's evidence goes into the test's output (its folder is deleted with the test's): each job's status
    /// as the gateways answer it, the jobs' last lines and the errors from every silo's log, and the CLI's own error logs.
    /// </summary>
    private void WriteWhatAFailedTrialKept(string workPath)
    {
        foreach (var kept in Directory.EnumerateDirectories(workPath, "chaos-failed-*").Order())
        {
            output.WriteLine($"--- {Path.GetFileName(kept)}");
            var jobs = Directory.EnumerateFiles(kept, "job-*.txt").Order().ToList();
            foreach (var file in jobs.Prepend(Path.Combine(kept, "fault.txt")).Where(File.Exists))
                output.WriteLine($"{Path.GetFileName(file)}: {File.ReadAllText(file).Trim()}");
            var ids = jobs.Select(f => Path.GetFileNameWithoutExtension(f)["job-".Length..]).ToList();
            foreach (var log in Directory.EnumerateFiles(kept, "silo-*.log").Order())
            {
                // The jobs' own lines at any level (their last phase shows), and every error.
                var lines = File.ReadLines(log)
                    .Where(l => ids.Any(id => l.Contains(id, StringComparison.Ordinal)) || l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal))
                    .TakeLast(40);
                foreach (var line in lines) output.WriteLine($"{Path.GetFileName(log)}: {(line.Length > 1500 ? line[..1500] + "…" : line)}");
            }
        }
        foreach (var log in Directory.EnumerateFiles(workPath, "*.log", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) is "submit.log" or "download.log" or "retry.log"))
            output.WriteLine($"{Path.GetFileName(log)}: {string.Join(" | ", File.ReadLines(log).TakeLast(20))}");
    }

    /// <summary>A harness killed on the test's timeout cannot stop its cluster; its state folder says what runs.</summary>
    private static async Task StopLeftoverClustersAsync(string workPath)
    {
        foreach (var state in Directory.EnumerateDirectories(workPath, "cluster", SearchOption.AllDirectories))
            await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "scripts", "cluster"), ["down", "--purge"],
                TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["AUDIOGRAINS_CLUSTER_DIR"] = state });
    }

    [GeneratedRegex(@"^\| \d+ \| (?<fault>[a-z0-9-]+) \| [^|]+ \| \d+ \| (?<identical>\d+ / \d+)[^|]* \| [^|]+ \| [^|]+ \| (?<result>[^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex TrialRow();

    [GeneratedRegex(@"trial \d+: (?:.*; )?(?:recorded )?chunks computed (?:again|twice): 0\b")]
    private static partial Regex RecomputedNone();

    [GeneratedRegex(@"trial \d+: [a-z0-9-]+ \(.*\) after \d+ s, (?<n>\d+)/\d+ jobs in flight at the fault")]
    private static partial Regex InFlightAtFault();
}
