using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// One chunk of one job ("job/index"). Random placement spreads chunks over the silos
/// ([StatelessWorker] would keep them on the caller's silo). No persisted state: the outputs in the
/// blob store are the state, which also makes a repeated call cheap and idempotent.
/// </summary>
[RandomPlacement]
public sealed class ChunkProcessorGrain(
    IBlobStore blobs,
    CpuWorkLimiter limiter,
    ProcessingOptions options,
    SiloIdentity silo,
    ILogger<ChunkProcessorGrain> logger) : Grain, IChunkProcessorGrain
{
    public async Task<ChunkOutcome> ProcessAsync(ChunkWork work)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = work.JobId, ["CorrelationId"] = work.CorrelationId, ["Chunk"] = work.Index });
        if (ChunkProcessor.IsDone(work, blobs))
        {
            logger.LogInformation("Reused chunk {Chunk} of job {JobId} on silo {Silo}", work.Index, work.JobId, silo.Name);
            return new ChunkOutcome { Index = work.Index, Silo = silo.Name, Reused = true };
        }

        var watch = Stopwatch.StartNew();
        var ct = CancellationToken.None;
        await limiter.RunAsync(token => ChunkProcessor.Process(work, blobs, options.BlockFrames, token), ct);
        logger.LogInformation("Processed chunk {Chunk} of job {JobId} on silo {Silo} in {ElapsedMs:F0} ms",
            work.Index, work.JobId, silo.Name, watch.Elapsed.TotalMilliseconds);
        // Nothing is kept in memory between calls; let the activation go soon.
        DeactivateOnIdle();
        return new ChunkOutcome { Index = work.Index, Silo = silo.Name, ElapsedSeconds = watch.Elapsed.TotalSeconds };
    }
}
