using AudioGrains.Client;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// The client's own reader of the silos' Redis membership table (<see cref="RedisGatewayList"/>), against real silo
/// processes: it lists each active silo's gateway, and drops a silo once the cluster has declared it dead.
/// </summary>
public sealed class RedisGatewayListTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_gateways_are_the_active_silos_and_a_dead_silo_drops_out()
    {
        await using var cluster = await RedisCluster.StartAsync(2);
        var options = new AudioGrainsClientOptions { Redis = cluster.RedisConfiguration };
        await using var list = new RedisGatewayList(Options.Create(options), Options.Create(new GatewayOptions()));
        await list.InitializeGatewayListProvider();

        var listed = await GatewayPortsAsync(list);
        Assert.Equal(cluster.Silos.Select(s => s.GatewayPort).Order(), listed);

        var killed = cluster.Silos[1];
        killed.Kill();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((listed = await GatewayPortsAsync(list)).Contains(killed.GatewayPort) && waited.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(500);
        output.WriteLine($"the killed silo left the list after {waited.Elapsed.TotalSeconds:F1} s");
        Assert.Equal([cluster.Silos[0].GatewayPort], listed);

        // The test's client, which finds the cluster through the same reader, still reaches it.
        var status = await cluster.Client.GetStatusAsync("no-such-job");
        Assert.False(status.Exists);
    }

    private static async Task<int[]> GatewayPortsAsync(RedisGatewayList list) =>
        [.. (await list.GetGateways()).Select(uri => uri.Port).Order()];
}
