using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace AudioGrains.Hosting;

/// <summary>
/// Before this silo joins, the silos still listed active that are certainly gone are declared dead: their heartbeat in
/// the membership table stopped and their silo port refuses connections. A joining silo must reach every silo listed
/// active, and after every silo died those entries leave only through probes and votes, which the joining silos slow
/// down while their own start starves them (chaos harness, all silos killed: the last new silo was ready 10.8-15.7 s
/// after the kill). A refused connection is certain: a live silo, however starved, keeps its listening socket. A silo
/// that does not answer at all (a partition, a host that is down) is left to the probes.
/// </summary>
public sealed class StaleSiloEviction(
    IMembershipTable table,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IOptions<ClusterMembershipOptions> options,
    ILogger<StaleSiloEviction> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StaleSiloEviction), ServiceLifecycleStage.ValidateInitialConnectivity - 1, EvictAsync, _ => Task.CompletedTask);

    /// <summary>How long a listed silo may go without a heartbeat before it counts as stale (Orleans' own measure).</summary>
    public static TimeSpan StaleAfter(ClusterMembershipOptions o) => o.IAmAliveTablePublishTimeout * o.NumMissedTableIAmAliveLimit;

    /// <summary>The entries listed active other than <paramref name="self"/>: the silos a joining silo must reach.</summary>
    public static IReadOnlyList<MembershipEntry> ListedActive(IEnumerable<MembershipEntry> entries, SiloAddress self) =>
        entries.Where(e => e.Status == SiloStatus.Active && !e.SiloAddress.Equals(self)).ToList();

    /// <summary>The entry's last sign of life: its last heartbeat, or its start if it has not beaten yet.</summary>
    public static DateTime LastAlive(MembershipEntry entry) => entry.IAmAliveTime > entry.StartTime ? entry.IAmAliveTime : entry.StartTime;

    public static bool IsStale(MembershipEntry entry, DateTime utcNow, TimeSpan staleAfter) => utcNow - LastAlive(entry) > staleAfter;

    private async Task EvictAsync(CancellationToken ct)
    {
        var staleAfter = StaleAfter(options.Value);
        // A silo killed just before this one started turns stale within staleAfter: wait that long for it, no longer.
        var until = Stopwatch.StartNew();
        var evicted = new List<SiloAddress>();
        try
        {
            while (true)
            {
                var listed = ListedActive((await table.ReadAllAsync(ct)).Members.Select(m => m.Item1), local.SiloAddress)
                    .Where(e => !evicted.Contains(e.SiloAddress)).ToList();
                var refused = await Task.WhenAll(listed.Select(e => RefusesAsync(e.SiloAddress.Endpoint, ct)));
                var gone = listed.Where((_, i) => refused[i]).ToList();
                var now = DateTime.UtcNow;
                foreach (var entry in gone.Where(e => IsStale(e, now, staleAfter)))
                {
                    logger.LogInformation("Silo {DeadSilo} declared dead before this silo joins: no heartbeat for {StaleSeconds:F1} s and its silo port refuses connections",
                        entry.SiloAddress, (now - LastAlive(entry)).TotalSeconds);
                    await membership.TryKill(entry.SiloAddress);
                    evicted.Add(entry.SiloAddress);
                }
                if (gone.All(e => evicted.Contains(e.SiloAddress)) || until.Elapsed > staleAfter + ConnectTimeout) break;
                await Task.Delay(Pause, ct);
            }
            // The kills are queued: join once this silo's view has them, or the join's first check still waits on them.
            while (evicted.Count > 0 && until.Elapsed < staleAfter * 2 + ConnectTimeout
                   && evicted.Any(s => membership.CurrentSnapshot.GetSiloStatus(s) != SiloStatus.Dead))
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The probes remain: the join then waits for them, as Orleans alone would.
            logger.LogWarning(e, "Could not check the silos listed active before joining; the join waits for the membership probes");
        }
    }

    /// <summary>True when nothing listens at <paramref name="endpoint"/>; false when it accepts or does not answer in time.</summary>
    public static async Task<bool> RefusesAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
