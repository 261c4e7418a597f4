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
