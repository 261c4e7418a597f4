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
            // An HTTP port in the operator's environment is not every silo's: only silo 1 serves HTTP, on HTTP=.
            var stray = FreePorts.Next();
            var up = await ClusterAsync(state, new Dictionary<string, string> { ["AudioGrains__Http__Port"] = $"{stray}" }, "up", "2", "--storage", "folder");
            Assert.True(up.ExitCode == 0, $"up exited {up.ExitCode}:\n{up.StandardError}");
            using (var probe = new System.Net.Sockets.TcpClient())
                await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, stray));
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

    [Fact]
    public async Task Status_fails_while_a_running_silo_is_not_ready()
    {
        using var work = new TempFolder();
        var state = Path.Combine(work.Path, "cluster");
        // The membership declares a silo that stops answering dead within seconds.
        var fastMembership = new Dictionary<string, string>
        {
            ["AudioGrains__Membership__ProbeTimeout"] = "00:00:02",
            ["AudioGrains__Membership__NumMissedProbesLimit"] = "2",
            ["AudioGrains__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
        };
        var hung = 0;
        try
        {
            var up = await ClusterAsync(state, fastMembership, "up", "2", "--storage", "folder");
            Assert.True(up.ExitCode == 0, $"up exited {up.ExitCode}:\n{up.StandardError}");
            Assert.Equal(0, (await ClusterAsync(state, "status")).ExitCode);

            // Silo 2 hangs: its process runs, it answers nothing. Once the others have declared it dead, /admin/stats
            // answers again; the silo is still not ready, and status must say so in its exit code.
            hung = SiloPid(state, 2);
            await SignalAsync("STOP", hung);
            ProcessResult status;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                status = await ClusterAsync(state, "status");
            }
            while (!status.StandardOutput.Contains("membership: 1 active", StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(90));
            Assert.Contains("membership: 1 active", status.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("admin/stats: active", status.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(1, status.ExitCode);
            Assert.Contains("not ready: silo 2", status.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (hung > 0) await SignalAsync("CONT", hung);
            var down = await ClusterAsync(state, "down", "--purge");
            Assert.Equal(0, down.ExitCode);
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        var kill = await ProcessRunner.RunAsync("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        Assert.Equal(0, kill.ExitCode);
    }

    private static int SiloPid(string state, int k) =>
        int.Parse(File.ReadAllLines(Path.Combine(state, "silos", $"{k}.env")).Single(l => l.StartsWith("pid=", StringComparison.Ordinal))["pid=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);

    private Task<ProcessResult> ClusterAsync(string state, params string[] arguments) => ClusterAsync(state, new Dictionary<string, string>(), arguments);

    /// <summary>scripts/cluster with <paramref name="environment"/> added (AudioGrains__* reach its silos).</summary>
    private async Task<ProcessResult> ClusterAsync(string state, Dictionary<string, string> environment, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "cluster"), .. arguments], TimeSpan.FromMinutes(4),
            new Dictionary<string, string>(environment)
            {
                ["AUDIOGRAINS_CLUSTER_DIR"] = state,
                // The build under test, not a Release build of the working tree.
                ["AUDIOGRAINS_CLI_DIR"] = Path.GetDirectoryName(RepoPaths.CliDll)!,
            });
        output.WriteLine($"$ scripts/cluster {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        return result;
    }
}
