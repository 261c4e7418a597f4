using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Whole-file loudness from the chunks' statistics: segment energies concatenated in order
/// (gated once), peaks merged by max. The same numbers a single pass over the file gives.
/// </summary>
public sealed record LoudnessMerge(double IntegratedLufs, double LoudnessRangeLu, double TruePeakDbtp, double SamplePeakDbfs, long Frames)
{
    public static LoudnessMerge Of(IEnumerable<ChunkStatistics> chunksInOrder, int sampleRate)
    {
        var energies = new List<double>();
        double samplePeak = 0, truePeak = 0;
        long frames = 0;
        foreach (var chunk in chunksInOrder)
        {
            energies.AddRange(chunk.SegmentEnergies);
            samplePeak = Math.Max(samplePeak, chunk.SamplePeak);
            truePeak = Math.Max(truePeak, chunk.TruePeak);
            frames += chunk.Frames;
        }
        var segmentLength = LoudnessSegments.Length(sampleRate);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(energies);
        return new LoudnessMerge(
            GatedLoudness.Integrated(span, segmentLength),
            LoudnessRange.Compute(span, segmentLength),
            Decibels.FromAmplitude(truePeak),
            Decibels.FromAmplitude(samplePeak),
            frames);
    }
}
