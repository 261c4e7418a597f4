using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Storage;
using AudioGrains.Media;
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
    PcmEncoder encoder,
    PcmDecoder decoder,
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
        if (work.Pass == ChunkPass.Encode) await limiter.RunAsync(token => EncodeAsync(work, token), ct);
        else await limiter.RunAsync(token => Run(work, token), ct);
        logger.LogInformation("Processed chunk {Chunk} of job {JobId} on silo {Silo} in {ElapsedMs:F0} ms ({Pass})",
            work.Index, work.JobId, silo.Name, watch.Elapsed.TotalMilliseconds, work.Pass);
        // Nothing is kept in memory between calls; let the activation go soon.
        DeactivateOnIdle();
        return new ChunkOutcome { Index = work.Index, Silo = silo.Name, ElapsedSeconds = watch.Elapsed.TotalSeconds };
    }

    private async Task EncodeAsync(ChunkWork work, CancellationToken ct)
    {
        await ChunkEncoder.EncodeAsync(work, blobs, encoder, options.BlockFrames, ct);
        if (work.MeasureEncoded) await SegmentMeasurement.MeasureAsync(work, blobs, decoder, ct);
    }

    private bool Run(ChunkWork work, CancellationToken ct)
    {
        switch (work.Pass)
        {
            case ChunkPass.Maxima:
                SpectralChunkProcessor.MeasureMaxima(work, blobs, ct);
                break;
            case ChunkPass.Noise:
                SpectralChunkProcessor.MeasureNoise(work, blobs, ct);
                break;
            default:
                if (work.Gate is null) ChunkProcessor.Process(work, blobs, options.BlockFrames, ct);
                else SpectralChunkProcessor.Process(work, blobs, ct);
                break;
        }
        return true;
    }
}
