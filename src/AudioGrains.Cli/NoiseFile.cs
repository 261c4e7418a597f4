using AudioGrains.Grains.Jobs;
using AudioGrains.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioGrains.Cli;

/// <summary>
/// The --noise-file recording, probed once before any job starts (an audio stream, at most 60 s), so that its errors
/// name the user's file: the job probes a staged copy, which its messages called "noise-input", and a batch failed
/// every input with the same error one by one.
/// </summary>
public static class NoiseFile
{
    public static async Task CheckAsync(EmbeddedCluster cluster, string path, CancellationToken ct)
    {
        var limits = cluster.Services.GetRequiredService<IOptions<MediaLimits>>().Value with { MaxDurationSeconds = JobPlanner.MaxNoiseFileSeconds };
        await cluster.Services.GetRequiredService<MediaProbe>().ProbeAsync(path, limits, ct, Path.GetFileName(path));
    }
}
