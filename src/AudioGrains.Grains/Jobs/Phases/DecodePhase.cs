using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>
/// One sequential decode: the working PCM for the chunks, and the input measured as it is for its report. Then the
/// job is laid out (<see cref="JobPlanner.Layout"/>). A separate noise recording is decoded here too.
/// </summary>
public sealed class DecodePhase(
    PcmDecoder decoder,
    MediaProbe probe,
    IOptions<FfmpegOptions> ffmpeg,
    IOptions<MediaLimits> limits,
    IOptions<ProcessingOptions> processing,
    ILogger<DecodePhase> logger) : IJobPhase
{
    public JobPhase Phase => JobPhase.Decoding;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        var (spec, media, workspace) = (run.Spec, run.State.Media!, run.Workspace);
        var (rate, channels, _) = JobPlanner.WorkingFormat(spec.Options, media);
        var watch = Stopwatch.StartNew();
        var inputMeter = new LoudnessMeter(media.SampleRate, media.Channels, ChannelWeights.For(media.Channels, media.ChannelLayout)) { SplitTruePeak = true };
        using var input = await workspace.Staging.InputAsync(spec.InputKey, ct);
        using var pcm = workspace.Staging.Output(workspace.PcmKey);
        var frames = await Task.Run(() => decoder.DecodeAsync(input.Path, media.ToInfo(), new PcmFormat(rate, channels), pcm.Path,
            block => inputMeter.Add(block), ct), ct);
        if (frames == 0)
            throw new AudioGrainsException(ErrorCodes.InvalidMedia, $"no audio could be decoded from \"{spec.FileName}\"");
        await pcm.CommitAsync(ct);
        if (spec.Options.NoiseFileKey is { } noiseKey)
            await DecodeNoiseFileAsync(workspace, noiseKey, new PcmFormat(rate, channels), ct);

        var layout = JobPlanner.Layout(spec.Options, media, frames, processing.Value.EncodeSegmentSeconds, spec.FileName);
        run.State.Input = inputMeter.Result().ToReport();
        await JobLoudnessSeries.WriteInputAsync(workspace, inputMeter.SegmentEnergies, inputMeter.SegmentLength, ct);
        run.State.Layout = layout;
        run.State.StepSeconds["decode"] = watch.Elapsed.TotalSeconds;
        logger.LogInformation("Job {JobId} decoded {Frames} frames at {SampleRate} Hz, {Channels} ch into {ChunkCount} chunks",
            run.JobId, frames, rate, channels, layout.Chunks().Count);
        return PhaseOutcome.Done;
    }

    /// <summary>The separate noise recording, decoded to the working format; short by rule, so it is analysed whole.</summary>
    private async Task DecodeNoiseFileAsync(JobWorkspace workspace, string noiseKey, PcmFormat format, CancellationToken ct)
    {
        using var input = await workspace.Staging.InputAsync(noiseKey, ct);
        using var pcm = workspace.Staging.Output(JobBlobKeys.NoisePcm(workspace.JobId));
        var noiseLimits = limits.Value with { MaxDurationSeconds = JobPlanner.MaxNoiseFileSeconds };
        var info = await Task.Run(() => probe.ProbeAsync(input.Path, noiseLimits, ct), ct);
        var noiseDecoder = new PcmDecoder(ffmpeg.Value, noiseLimits);
        await Task.Run(() => noiseDecoder.DecodeAsync(input.Path, info, format, pcm.Path, null, ct), ct);
        await pcm.CommitAsync(ct);
    }
}
