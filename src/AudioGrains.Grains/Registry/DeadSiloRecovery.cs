using AudioGrains.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Registry;

/// <summary>
/// When a silo is declared dead, the jobs it ran resume on the survivors at once: one silo (the active one with the
/// lowest address) has the registry call every active job, which activates each where it now belongs. Without it a
/// job whose silo died waits for its next reminder tick (up to a minute) unless a client happens to ask for it. Also
/// done once when this silo joins as that one silo, for jobs left by silos that died before it started.
/// </summary>
public sealed class DeadSiloRecovery(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    ILogger<DeadSiloRecovery> logger) : BackgroundService
{
    /// <summary>
    /// A second round this long after the first: right after a death, calls may still be routed to the dead silo
    /// until every directory has dropped its entries; the second round reaches those jobs.
    /// </summary>
    private static readonly TimeSpan SecondRound = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        var joined = false;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var died = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)).ToList();
                var justJoined = !joined && snapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active;
                joined |= justJoined;
                if (!joined || (died.Count == 0 && !justJoined) || !IsRecoverer(snapshot)) continue;
                if (died.Count > 0)
                    logger.LogInformation("Silo(s) {DeadSilos} declared dead: resuming their jobs", string.Join(", ", died.Select(m => m.SiloAddress)));
                _ = ResumeAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The one silo that acts: the active silo with the lowest address (every silo computes the same one).</summary>
    private bool IsRecoverer(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)
            .FirstOrDefault() is { } first && first.Equals(local.SiloAddress);

    private async Task ResumeAsync(CancellationToken ct)
    {
        foreach (var delay in new[] { TimeSpan.Zero, SecondRound })
        {
            try
            {
                await Task.Delay(delay, ct);
                await JobRegistry.Of(grains).ResumeActiveAsync().WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The reminders remain the backstop: a job not reached here resumes at its next tick.
                logger.LogWarning(e, "Resuming the active jobs after a silo died failed; their reminders will resume them");
            }
        }
    }
}
