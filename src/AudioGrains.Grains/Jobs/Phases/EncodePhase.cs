using System.Diagnostics;
using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>
/// Opus output: segments of the processed signal, through the one gain, encoded in parallel across the cluster, each
/// with pre- and post-roll; the assembly joins them into the packets one sequential encode gives.
/// </summary>
public sealed class EncodePhase : IJobPhase
{
    public JobPhase Phase => JobPhase.Encoding;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        var plan = run.Plan;
        var watch = Stopwatch.StartNew();
        try
        {
            var (_, gain) = await OutputLevel.ComputeAsync(run, ct);
            await run.RunSegmentsAsync((i, t) => run.Dispatcher.EncodeAsync(plan.Encode(i, gain.Linear), t), ct);
        }
        finally
        {
            run.State.AddStepSeconds("encode", watch.Elapsed);
        }
        return PhaseOutcome.Done;
    }
}
