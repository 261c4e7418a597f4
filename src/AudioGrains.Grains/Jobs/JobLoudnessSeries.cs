using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// A job's short-term loudness before and after (<see cref="LoudnessSeries"/>), from statistics the pipeline already
/// has, never a second pass over the audio: the input meter's segment energies when the decode ends, the chunks'
/// segment energies and the one gain when the job is assembled. Memory: the points, and one chunk's statistics at a
/// time (the input meter's whole-file energies exist anyway: it gates them for the input's report).
/// </summary>
public static class JobLoudnessSeries
{
    /// <summary>At the decode: the input's points, after the bucket size the output will share ([segments per point, LUFS…]).</summary>
    public static Task WriteInputAsync(JobWorkspace workspace, IReadOnlyList<double> segmentEnergies, int segmentLength, CancellationToken ct)
    {
        var perPoint = ShortTermSeries.SegmentsPerPoint(segmentEnergies.Count);
        var series = new ShortTermSeries(segmentLength, perPoint);
        foreach (var energy in segmentEnergies) series.Add(energy);
        return workspace.WriteArrayAsync(JobBlobKeys.InputLoudness(workspace.JobId), [perPoint, .. series.Points()], ct);
    }

    /// <summary>
    /// When the job is assembled: the output's points (the processed chunks' energies, through the gain: a constant in
    /// dB) beside the input's, written next to the output, so they outlive the intermediates and expire with the job.
    /// </summary>
    public static async Task WriteAsync(JobRun run, double gainDb, CancellationToken ct)
    {
        var (workspace, layout) = (run.Workspace, run.State.Layout!);
        var segmentLength = LoudnessSegments.Length(layout.SampleRate);
        var inputKey = JobBlobKeys.InputLoudness(run.JobId);
        // A job decoded before series were kept has no input points; its output's still are drawn.
        var input = await workspace.Blobs.LengthAsync(inputKey, ct) is null ? null : await DoubleArrayBlob.ReadAsync(workspace.Blobs, inputKey, ct);
        var perPoint = input is { Length: > 0 } ? (int)input[0] : ShortTermSeries.SegmentsPerPoint(layout.TotalFrames / segmentLength);

        var output = new ShortTermSeries(segmentLength, perPoint);
        for (var i = 0; i < run.Plan.Chunks.Count; i++)
            output.Add((await workspace.ReadStatisticsAsync(JobBlobKeys.Chunk(run.JobId, i), ct)).SegmentEnergies);

        var series = new LoudnessSeries
        {
            SecondsPerPoint = (double)perPoint * segmentLength / layout.SampleRate,
            DurationSeconds = (double)layout.TotalFrames / layout.SampleRate,
            InputLufs = input is { Length: > 0 } ? input[1..] : [],
            OutputLufs = [.. output.Points().Select(lufs => lufs + gainDb)],
            GainDb = gainDb,
        };
        await LoudnessSeriesBlob.WriteAsync(workspace.Blobs, JobBlobKeys.LoudnessSeries(run.JobId), series, ct);
    }

    /// <summary>The series of a completed job; not-found otherwise, or when it completed before series were kept.</summary>
    public static async Task<LoudnessSeries> ReadAsync(JobWorkspace workspace, bool completed, CancellationToken ct)
    {
        if (completed)
        {
            try
            {
                return await LoudnessSeriesBlob.ReadAsync(workspace.Blobs, JobBlobKeys.LoudnessSeries(workspace.JobId), ct);
            }
            catch (BlobNotFoundException)
            {
            }
        }
        throw new AudioGrainsException(ErrorCodes.NotFound, $"job {workspace.JobId} has no loudness series{(completed ? "" : " (it is not completed)")}");
    }
}
