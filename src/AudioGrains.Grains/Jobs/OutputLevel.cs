using AudioGrains.Dsp;

namespace AudioGrains.Grains.Jobs;

/// <summary>The processed signal's loudness, merged exactly from the chunks, and the one gain that takes it to the target.</summary>
public static class OutputLevel
{
    public static async Task<(LoudnessMerge Merged, NormalizationGain Gain)> ComputeAsync(JobRun run, CancellationToken ct)
    {
        var options = run.Spec.Options;
        var (workspace, count, rate) = (run.Workspace, run.Plan.Chunks.Count, run.State.Layout!.SampleRate);
        var merged = await Task.Run(() => workspace.MergeChunkLoudnessAsync(count, rate, ct), ct);
        var gain = options.NormalizeVolume
            ? NormalizationGain.Compute(merged.IntegratedLufs, merged.TruePeakDbtp, options.TargetLufs, options.TruePeakCeilingDbtp)
            : new NormalizationGain(0, false);
        return (merged, gain);
    }
}
