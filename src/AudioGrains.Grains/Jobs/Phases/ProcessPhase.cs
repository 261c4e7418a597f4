using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>Every chunk filtered, gated and measured by the chunk grains, spread over the cluster.</summary>
public sealed class ProcessPhase(ILogger<ProcessPhase> logger) : IJobPhase
{
    public JobPhase Phase => JobPhase.Processing;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        if (!await run.Workspace.HasWorkingPcmAsync(ct))
        {
            logger.LogWarning("Job {JobId} lost its working PCM; decoding again", run.JobId);
            return PhaseOutcome.WorkingPcmLost;
        }
        var plan = run.Plan;
        var watch = Stopwatch.StartNew();
        try
        {
            await run.RunChunksAsync(WorkKind.Process, plan.AllChunks, (i, t) => run.Dispatcher.ProcessAsync(plan.Process(i), t), ct);
        }
        finally
        {
            run.State.AddStepSeconds("process", watch.Elapsed);
        }
        return PhaseOutcome.Done;
    }
}
