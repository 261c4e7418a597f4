using AudioGrains.Abstractions;
using AudioGrains.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>Finds out what the input is (ffprobe under the format whitelist) and refuses what cannot or must not be decoded.</summary>
public sealed class ProbePhase(MediaProbe probe, IOptions<MediaLimits> limits, ILogger<ProbePhase> logger) : IJobPhase
{
    public JobPhase Phase => JobPhase.Probing;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        using var input = await run.Workspace.Staging.InputAsync(run.Spec.InputKey, ct);
        var info = await Task.Run(() => probe.ProbeAsync(input.Path, limits.Value, ct, run.Spec.FileName), ct);
        run.State.Media = info.ToFacts();
        logger.LogInformation("Job {JobId} probed: {Format} {Codec} {SampleRate} Hz {Channels} ch {Duration:F1} s",
            run.JobId, info.FormatName, info.AudioCodec, info.SampleRate, info.Channels, info.DurationSeconds);
        return PhaseOutcome.Done;
    }
}
