using System.Diagnostics;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using AudioGrains.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AudioGrains.Grains.Segments;

/// <summary>One Opus segment of one job's output ("job/index"), spread over the silos like the chunks; its outputs in the blob store are its state.</summary>
[RandomPlacement]
public sealed class SegmentEncoderGrain(
    IBlobStore blobs,
    BlobStaging staging,
    WorkRunner runner,
    PcmEncoder encoder,
    PcmDecoder decoder,
    IOptions<ProcessingOptions> options,
    ILogger<SegmentEncoderGrain> logger) : Grain, ISegmentEncoderGrain
{
    public async Task<WorkOutcome> EncodeAsync(EncodeWork work, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = work.JobId, ["CorrelationId"] = work.CorrelationId, ["Segment"] = work.Index });
        if (await SegmentEncoder.IsDoneAsync(work, blobs, ct))
        {
            logger.LogInformation("Reused segment {Segment} of job {JobId} on silo {Silo}", work.Index, work.JobId, runner.Silo);
            return new WorkOutcome { Index = work.Index, Silo = runner.Silo, Reused = true };
        }
        var watch = Stopwatch.StartNew();
        await runner.RunAsync(new WorkItem(work.JobId, WorkKind.Encode, work.Index), async token =>
        {
            await SegmentEncoder.EncodeAsync(work, blobs, staging, encoder, options.Value.BlockFrames, token);
            if (work.Measure) await SegmentMeasurement.MeasureAsync(work, blobs, staging, decoder, token);
        }, ct);
        logger.LogInformation("Encoded segment {Segment} of job {JobId} on silo {Silo} in {ElapsedMs:F0} ms",
            work.Index, work.JobId, runner.Silo, watch.Elapsed.TotalMilliseconds);
        DeactivateOnIdle();
        return new WorkOutcome { Index = work.Index, Silo = runner.Silo, ElapsedSeconds = watch.Elapsed.TotalSeconds };
    }
}
