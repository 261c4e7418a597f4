using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Segments;

/// <summary>Encodes one Opus segment of one job's output ("job id/segment index"). Like the chunk grains: no state, spread over silos.</summary>
public interface ISegmentEncoderGrain : IGrainWithStringKey
{
    [ResponseTimeout("00:10:00")]
    Task<WorkOutcome> EncodeAsync(EncodeWork work, CancellationToken ct = default);
}
