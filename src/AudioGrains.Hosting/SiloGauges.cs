using System.Diagnostics.Metrics;
using AudioGrains.Grains.Storage;
using AudioGrains.Grains.Telemetry;
using Orleans.Runtime;

namespace AudioGrains.Hosting;

/// <summary>
/// What an operator alerts on besides the jobs: how many silos the cluster has as this silo sees it, and the free
/// space of the temp folder (staged files for ffmpeg) and, with folder storage, of the blob store's volume.
/// </summary>
public sealed class SiloGauges
{
    public SiloGauges(IMeterFactory meters, IClusterMembershipService membership, BlobStaging staging, AudioGrainsHostOptions host)
    {
        var meter = meters.Create(AudioGrainsTelemetry.Name);
        meter.CreateObservableGauge("cluster.silos.active",
            () => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active), "{silo}",
            "Active silos in the cluster, as this silo's membership sees them");
        meter.CreateObservableGauge("temp.free.bytes", () => FreeBytes(staging.TempDirectory), "By",
            "Free space of this silo's temp folder");
        if (host.Storage == BlobStorage.Folder)
            meter.CreateObservableGauge("storage.free.bytes", () => FreeBytes(host.DataDirectory), "By",
                "Free space of the folder blob store's volume");
    }

    /// <summary>The free space of the volume holding <paramref name="folder"/> (or of its nearest existing parent).</summary>
    public static IEnumerable<Measurement<long>> FreeBytes(string folder)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        long free;
        try
        {
            free = new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (IOException)
        {
            yield break;
        }
        yield return new Measurement<long>(free);
    }
}
