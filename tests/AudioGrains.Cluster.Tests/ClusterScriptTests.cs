using System.Diagnostics;
using System.Net;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// scripts/cluster as an operator runs it (README, "Operating a cluster"): real redis-server and silo processes on
/// loopback, folder storage, the build under test.
/// </summary>
public sealed class ClusterScriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scale_brings_back_the_HTTP_address_when_the_silo_behind_it_died()
    {
        using var work = new TempFolder();
        var state = Path.Combine(work.Path, "cluster");
        try
        {
            var up = await ClusterAsync(state, "up", "2", "--storage", "folder");
            Assert.True(up.ExitCode == 0, $"up exited {up.ExitCode}:\n{up.StandardError}");
            var http = new Uri(up.StandardOutput.Split('\n').Single(l => l.StartsWith("HTTP=", StringComparison.Ordinal))["HTTP=".Length..].Trim());
            using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            // The silo behind HTTP= (silo 1) crashes.
            using (var silo1 = Process.GetProcessById(SiloPid(state, 1)))
            {
                silo1.Kill();
                await silo1.WaitForExitAsync();
            }

            var scale = await ClusterAsync(state, "scale", "2");
            Assert.True(scale.ExitCode == 0, $"scale exited {scale.ExitCode}:\n{scale.StandardError}");
            // The address clients were given answers again, and the cluster has the 2 silos asked for.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(state, "silos"), "*.env").Length);
            var status = await ClusterAsync(state, "status");
            Assert.True(status.ExitCode == 0, $"status exited {status.ExitCode}:\n{status.StandardOutput}\n{status.StandardError}");
        }
        finally
        {
            var down = await ClusterAsync(state, "down", "--purge");
            Assert.Equal(0, down.ExitCode);
        }
    }

    private static int SiloPid(string state, int k) =>
        int.Parse(File.ReadAllLines(Path.Combine(state, "silos", $"{k}.env")).Single(l => l.StartsWith("pid=", StringComparison.Ordinal))["pid=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ProcessResult> ClusterAsync(string state, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "cluster"), .. arguments], TimeSpan.FromMinutes(4),
            new Dictionary<string, string>
            {
                ["AUDIOGRAINS_CLUSTER_DIR"] = state,
                // The build under test, not a Release build of the working tree.
                ["AUDIOGRAINS_CLI_DIR"] = Path.GetDirectoryName(RepoPaths.CliDll)!,
            });
        output.WriteLine($"$ scripts/cluster {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        return result;
    }
}
