using System.Net;
using System.Net.Sockets;
using AudioGrains.Hosting;
using AudioGrains.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace AudioGrains.Cluster.Tests;

/// <summary>The parts of the eviction before a join: which entries it looks at, when one is stale, what refuses.</summary>
public sealed class StaleSiloEvictionTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 9, 0, 0, DateTimeKind.Utc);

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime start, DateTime alive) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        Status = status,
        StartTime = start,
        IAmAliveTime = alive,
    };

    [Fact]
    public void Only_other_silos_listed_active_are_looked_at()
    {
        var self = Entry(11111, SiloStatus.Joining, Now, Now);
        var active = Entry(11112, SiloStatus.Active, Now, Now);
        var entries = new[] { self, active, Entry(11113, SiloStatus.Dead, Now, Now), Entry(11114, SiloStatus.ShuttingDown, Now, Now) };
        Assert.Equal([active.SiloAddress], StaleSiloEviction.ListedActive(entries, self.SiloAddress).Select(e => e.SiloAddress));
        Assert.Empty(StaleSiloEviction.ListedActive([active], active.SiloAddress));
    }

    [Fact]
    public void An_entry_is_stale_once_its_last_heartbeat_or_start_is_older_than_the_allowed_misses()
    {
        var staleAfter = StaleSiloEviction.StaleAfter(new ClusterMembershipOptions { IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2), NumMissedTableIAmAliveLimit = 2 });
        Assert.Equal(TimeSpan.FromSeconds(4), staleAfter);
        Assert.True(StaleSiloEviction.IsStale(Entry(1, SiloStatus.Active, Now.AddMinutes(-5), Now.AddSeconds(-4.5)), Now, staleAfter));
        Assert.False(StaleSiloEviction.IsStale(Entry(1, SiloStatus.Active, Now.AddMinutes(-5), Now.AddSeconds(-3.5)), Now, staleAfter));
        // A silo that has not written a heartbeat yet is as old as its start.
        Assert.False(StaleSiloEviction.IsStale(Entry(1, SiloStatus.Active, Now.AddSeconds(-1), default), Now, staleAfter));
        Assert.True(StaleSiloEviction.IsStale(Entry(1, SiloStatus.Active, Now.AddSeconds(-10), default), Now, staleAfter));
    }

    [Fact]
    public async Task A_port_nobody_listens_on_refuses_and_a_listening_one_does_not()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = (IPEndPoint)listener.LocalEndpoint;
        Assert.False(await StaleSiloEviction.RefusesAsync(open, CancellationToken.None));

        var closed = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
        Assert.True(await StaleSiloEviction.RefusesAsync(closed, CancellationToken.None));
    }
}
