namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Analyzes and processes one chunk of one job ("job id/chunk index"). Holds no persisted state; placed to spread
/// over silos. A cancelled call stops its work, and nothing it would have written is committed.
/// </summary>
public interface IChunkProcessorGrain : IGrainWithStringKey
{
    [ResponseTimeout("00:10:00")]
    Task<WorkOutcome> AnalyzeAsync(AnalyzeWork work, CancellationToken ct = default);

    [ResponseTimeout("00:10:00")]
    Task<WorkOutcome> ProcessAsync(ProcessWork work, CancellationToken ct = default);
}
