using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Segments;

namespace AudioGrains.Grains.Jobs;

/// <summary>Sends one unit of work to wherever it runs: the chunk and segment grains in a cluster, a fake in a unit test.</summary>
public interface IWorkDispatcher
{
    Task<WorkOutcome> AnalyzeAsync(AnalyzeWork work, CancellationToken ct);

    Task<WorkOutcome> ProcessAsync(ProcessWork work, CancellationToken ct);

    Task<WorkOutcome> EncodeAsync(EncodeWork work, CancellationToken ct);
}

/// <summary>The cluster's dispatcher: one grain per chunk ("job/index") and per segment, placed at random over the silos.</summary>
public sealed class GrainWorkDispatcher(IGrainFactory grains) : IWorkDispatcher
{
    public Task<WorkOutcome> AnalyzeAsync(AnalyzeWork work, CancellationToken ct) =>
        grains.GetGrain<IChunkProcessorGrain>($"{work.Chunk.JobId}/{work.Chunk.Index}").AnalyzeAsync(work, ct);

    public Task<WorkOutcome> ProcessAsync(ProcessWork work, CancellationToken ct) =>
        grains.GetGrain<IChunkProcessorGrain>($"{work.Chunk.JobId}/{work.Chunk.Index}").ProcessAsync(work, ct);

    public Task<WorkOutcome> EncodeAsync(EncodeWork work, CancellationToken ct) =>
        grains.GetGrain<ISegmentEncoderGrain>($"{work.JobId}/{work.Index}").EncodeAsync(work, ct);
}
