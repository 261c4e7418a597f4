using System.Diagnostics;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// One chunk of one job ("job/index"). Random placement spreads chunks over the silos ([StatelessWorker] would keep
/// them on the caller's silo). No persisted state: the outputs in the blob store are the state, which also makes a
/// repeated call cheap and idempotent.
/// </summary>
[RandomPlacement]
public sealed class ChunkProcessorGrain(
    IBlobStore blobs,
    WorkRunner runner,
    IOptions<ProcessingOptions> options,
    ILogger<ChunkProcessorGrain> logger) : Grain, IChunkProcessorGrain
{
    public Task<WorkOutcome> AnalyzeAsync(AnalyzeWork work, CancellationToken ct) =>
        RunAsync(work.Chunk, WorkKind.Analyze, work.Step.ToString(),
            token => SpectralChunkProcessor.IsDoneAsync(work, blobs, token),
            token => SpectralChunkProcessor.AnalyzeAsync(work, blobs, token), ct);

    public Task<WorkOutcome> ProcessAsync(ProcessWork work, CancellationToken ct) =>
        RunAsync(work.Chunk, WorkKind.Process, "Process",
            token => ChunkProcessor.IsDoneAsync(work, blobs, token),
            token => work.Gate is null
                ? ChunkProcessor.ProcessAsync(work, blobs, options.Value.BlockFrames, token)
                : SpectralChunkProcessor.ProcessAsync(work, blobs, token), ct);

    private async Task<WorkOutcome> RunAsync(ChunkSlice chunk, WorkKind kind, string pass, Func<CancellationToken, Task<bool>> isDone,
        Func<CancellationToken, Task> compute, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = chunk.JobId, ["CorrelationId"] = chunk.CorrelationId, ["Chunk"] = chunk.Index });
        if (await isDone(ct))
        {
            logger.LogInformation("Reused chunk {Chunk} of job {JobId} on silo {Silo} ({Pass})", chunk.Index, chunk.JobId, runner.Silo, pass);
            return new WorkOutcome { Index = chunk.Index, Silo = runner.Silo, Reused = true };
        }
        var watch = Stopwatch.StartNew();
        await runner.RunAsync(new WorkItem(chunk.JobId, kind, chunk.Index), compute, ct);
        logger.LogInformation("Processed chunk {Chunk} of job {JobId} on silo {Silo} in {ElapsedMs:F0} ms ({Pass})",
            chunk.Index, chunk.JobId, runner.Silo, watch.Elapsed.TotalMilliseconds, pass);
        // Nothing is kept in memory between calls; let the activation go soon.
        DeactivateOnIdle();
        return new WorkOutcome { Index = chunk.Index, Silo = runner.Silo, ElapsedSeconds = watch.Elapsed.TotalSeconds };
    }
}
