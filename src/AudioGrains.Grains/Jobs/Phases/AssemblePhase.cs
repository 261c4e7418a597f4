using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Media;
using AudioGrains.Media.Ogg;
using Microsoft.Extensions.Logging;
using AudioGrains.Grains.Storage;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>
/// Writes the output: the Opus segments joined into one stream (checked at every seam), or the processed chunks streamed
/// in order through the one gain into the encoder; then the output's report, from the segments' own measurements or
/// from a measurement of the file.
/// </summary>
public sealed class AssemblePhase(
    PcmEncoder encoder,
    SegmentedOpusOutput segmentedOpus,
    MediaProbe probe,
    PcmDecoder decoder,
    IOptions<MediaLimits> limits,
    IOptions<ProcessingOptions> processing,
    ILogger<AssemblePhase> logger) : IJobPhase
{
    public JobPhase Phase => JobPhase.Assembling;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        var (spec, plan, workspace, state) = (run.Spec, run.Plan, run.Workspace, run.State);
        var layout = plan.Layout;
        var watch = Stopwatch.StartNew();

        var (merged, gain) = await OutputLevel.ComputeAsync(run, ct);
        await JobLoudnessSeries.WriteAsync(run, gain.GainDb, ct);
        var note = !spec.Options.NormalizeVolume ? "loudness normalization was off"
            : !double.IsFinite(merged.IntegratedLufs) ? "the input is silent or shorter than one 400 ms gating block: no gain was applied"
            : gain.PeakLimited ? $"the true-peak ceiling of {spec.Options.TruePeakCeilingDbtp} dBTP kept the gain from reaching {spec.Options.TargetLufs} LUFS"
            : null;

        var format = OutputFormats.Parse(spec.Options.OutputFormat);
        var outputKey = JobBlobKeys.Output(run.JobId, OutputFormats.Extension(format));
        using var staged = workspace.Staging.Output(outputKey);
        var outputPath = staged.Path;
        var joined = plan.EncodesSegments && await JoinSegmentsAsync(run, outputPath, format, ct);
        EncodedPcmMeter? pcmMeter = null;
        if (!joined)
        {
            var chunkKeys = Enumerable.Range(0, plan.Chunks.Count).Select(i => JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(run.JobId, i))).ToList();
            var (rate, channels, blocks) = (layout.SampleRate, layout.OutputChannels, processing.Value.BlockFrames);
            pcmMeter = EncodedPcmMeter.For(format, rate, channels);
            await Task.Run(async () =>
            {
                await using var session = encoder.Open(outputPath, format, new PcmFormat(rate, channels), layout.TotalFrames, ct);
                await OutputAssembler.AssembleAsync(workspace.Blobs, chunkKeys, gain.Linear, session, channels, blocks, ct, pcmMeter);
                await session.CompleteAsync(ct);
            }, ct);
        }
        state.StepSeconds["assemble"] = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var bySegments = joined ? await workspace.MergeSegmentLoudnessAsync(plan.Segments.Count, layout.OutputChannels, ct) : null;
        if (joined && bySegments is null && Segments.SegmentMeasurement.CanMeasure(layout.OutputChannels))
            logger.LogWarning("Job {JobId}: the Opus segments' decoders disagree at a seam; measuring the whole output instead", run.JobId);
        var output = bySegments ?? pcmMeter?.Result() ?? await Task.Run(() => Measurements.MeasureFileAsync(probe, decoder, outputPath, limits.Value, ct), ct);
        // Opus always decodes at 48 kHz (measured so); the rate the file holds is the one encoded, as its header says.
        if (format is OutputFormat.Opus or OutputFormat.WebM && PcmEncoder.IsOpusRate(layout.SampleRate)) output = output with { SampleRate = layout.SampleRate };
        state.StepSeconds["measure_output"] = watch.Elapsed.TotalSeconds;

        await staged.CommitAsync(ct);
        state.Report = new JobReport
        {
            Input = state.Input!,
            Output = output,
            GainDb = gain.GainDb,
            PeakLimited = gain.PeakLimited,
            Chunks = plan.Chunks.Count,
            // A List, not a collection expression: Redis grain storage writes state as JSON with type names, and the
            // compiler's read-only array type for [.. x] cannot be read back.
            ChunkSilos = state.WorkSilos.ToList(),
            StepSeconds = new Dictionary<string, double>(state.StepSeconds),
            Note = note,
        };
        state.OutputKey = outputKey;
        state.OutputBytes = await workspace.Blobs.LengthAsync(outputKey, ct);
        logger.LogInformation("Job {JobId} completed: {InputLufs:F2} LUFS -> {OutputLufs:F2} LUFS, gain {GainDb:F2} dB, peak limited {PeakLimited}, {ChunkCount} chunks on {SiloCount} silos",
            run.JobId, state.Input!.IntegratedLufs, output.IntegratedLufs, gain.GainDb, gain.PeakLimited, plan.Chunks.Count, state.WorkSilos.Count);
        return PhaseOutcome.Done;
    }

    /// <summary>Joins the encoded segments into the output; false when they cannot be joined (then one sequential encode is always right).</summary>
    private async Task<bool> JoinSegmentsAsync(JobRun run, string outputPath, OutputFormat format, CancellationToken ct)
    {
        var layout = run.State.Layout!;
        var staged = new List<StagedFile>();
        try
        {
            var segments = new List<OpusSegment>();
            foreach (var (segment, i) in run.Plan.Segments.Select((x, i) => (x, i)))
            {
                staged.Add(await run.Workspace.Staging.InputAsync(JobBlobKeys.SegmentOpus(JobBlobKeys.Segment(run.JobId, i)), ct));
                segments.Add(new OpusSegment(staged[^1].Path, JobPlanner.SegmentPreRoll(segment.Start, layout.SampleRate), segment.Frames));
            }
            var unconverged = await segmentedOpus.WriteAsync(segments, layout.SampleRate, layout.TotalFrames, outputPath, format, ct);
            if (unconverged.Count > 0)
                logger.LogWarning("Job {JobId}: {SeamCount} of {SegmentSeams} Opus seams had not converged ({Seams}); the stream is valid and differs from one sequential encode only after them",
                    run.JobId, unconverged.Count, segments.Count - 1, string.Join("; ", unconverged));
            return true;
        }
        catch (InvalidDataException e)
        {
            // Segments from silos with another libopus, or damaged.
            logger.LogWarning("Job {JobId}: the Opus segments cannot be joined ({Reason}); encoding in one stream instead", run.JobId, e.Message);
            return false;
        }
        finally
        {
            foreach (var file in staged) file.Dispose();
        }
    }
}
