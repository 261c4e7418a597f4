using System.Diagnostics;
using Xunit.Abstractions;
using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>Every silo killed, a new one started: it joins without waiting for the dead to be voted out.</summary>
public sealed class FullRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_started_after_every_silo_died_joins_without_waiting_for_the_dead_to_be_voted_out()
    {
        // Probes so slow that the votes alone would keep the dead listed active for half a minute or more: a new silo
        // that joins without a failed connectivity check can only have joined because the dead were evicted.
        string[] slowProbes = ["--AudioGrains:Membership:ProbeTimeout=00:00:30"];
        await using var cluster = await RedisCluster.StartAsync(2, slowProbes);
        var dead = cluster.Silos.ToList();
        foreach (var silo in dead) silo.Kill();
        var killed = Stopwatch.StartNew();

        var newSilo = await SiloProcess.StartAsync(cluster.RedisConfiguration, cluster.DataDirectory, slowProbes);
        cluster.Silos.Add(newSilo);
        var ready = killed.Elapsed;
        var lines = newSilo.Lines.ToList();
        var evictions = lines.Where(l => l.Contains("declared dead before this silo joins", StringComparison.Ordinal)).ToList();
        output.WriteLine($"new silo ready {ready.TotalSeconds:F1} s after the kill; {string.Join(" | ", evictions)}");

        foreach (var silo in dead)
            Assert.Contains(evictions, l => l.Contains($"127.0.0.1:{silo.SiloPort}:", StringComparison.Ordinal));
        // Orleans logs this at error level each time a joining silo cannot reach a silo listed active.
        Assert.DoesNotContain(lines, l => l.Contains("Failed to get ping responses", StringComparison.Ordinal));
    }
}
