using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs.Phases;

/// <summary>
/// Stationary noise reduction needs two global statistics before any chunk can be processed: step 1, the per-bin
/// maxima (the dB floor) of the signal and of the noise source; step 2, the noise source's per-bin mean and deviation.
/// Both are computed per chunk and merged exactly; the step is checkpointed between them.
/// </summary>
public sealed class AnalyzePhase : IJobPhase
{
    public JobPhase Phase => JobPhase.Analyzing;

    public async Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct)
    {
        var (plan, workspace, state) = (run.Plan, run.Workspace, run.State);
        var noiseFile = run.Spec.Options.NoiseFileKey is not null;
        var watch = Stopwatch.StartNew();
        if (state.AnalysisStep == AnalysisStep.Maxima)
        {
            await run.RunChunksAsync(WorkKind.Analyze, plan.AllChunks, (i, t) => run.Dispatcher.AnalyzeAsync(plan.Analyze(i, AnalysisStep.Maxima), t), ct);
            var count = plan.Chunks.Count;
            var (signal, clip) = await Task.Run(() => workspace.MergeMaximaAsync(count, ct), ct);
            await workspace.WriteArrayAsync(JobBlobKeys.SignalMaxima(run.JobId), signal.ToArray(), ct);
            var noiseMaxima = noiseFile ? (await NoiseFileAnalysisAsync(run, ct)).Maxima : clip ?? signal;
            await workspace.WriteArrayAsync(JobBlobKeys.NoiseMaxima(run.JobId), noiseMaxima.ToArray(), ct);
            state.AnalysisStep = AnalysisStep.Noise;
            state.CompletedChunks = CompletionBitmap.For(count);
            state.Attempts = 0;
            state.AddStepSeconds("analyze", watch.Elapsed);
            await run.CheckpointAsync();
            watch.Restart();
        }

        NoiseProfile profile;
        if (noiseFile)
        {
            profile = (await NoiseFileAnalysisAsync(run, ct)).Profile;
        }
        else
        {
            var chunks = plan.NoiseChunks;
            await run.RunChunksAsync(WorkKind.Analyze, chunks, (i, t) => run.Dispatcher.AnalyzeAsync(plan.Analyze(i, AnalysisStep.Noise), t), ct);
            profile = await Task.Run(() => workspace.MergeNoiseAsync(chunks, ct), ct);
        }
        await workspace.WriteArrayAsync(JobBlobKeys.NoiseProfile(run.JobId), profile.ToArray(), ct);
        state.AddStepSeconds("analyze", watch.Elapsed);
        return PhaseOutcome.Done;
    }

    /// <summary>Maxima and profile of the separate noise recording, analysed whole (it is at most a minute long).</summary>
    private static Task<(BinMaxima Maxima, NoiseProfile Profile)> NoiseFileAnalysisAsync(JobRun run, CancellationToken ct)
    {
        // Everything the thread pool needs is read here, on the grain's own scheduler.
        var layout = run.State.Layout!;
        var options = layout.Gate!.ToOptions(layout.SampleRate);
        var (rate, channels, blobs, key) = (layout.SampleRate, layout.Channels, run.Workspace.Blobs, JobBlobKeys.NoisePcm(run.JobId));
        return Task.Run(async () =>
        {
            var gate = new SpectralGate(options, rate, channels);
            var frames = (await blobs.LengthAsync(key, ct) ?? throw new AudioGrains.Storage.BlobNotFoundException(key)) / (channels * sizeof(float));
            await using var pcm = await blobs.OpenReadAsync(key, ct: ct);
            var samples = PcmWindow.Read(pcm, frames, channels, ct);
            var window = new SignalWindow(samples, channels, 0, frames);
            var maxima = gate.MeasureMaxima(window, 0, frames);
            return (maxima, gate.MeasureNoise(window, 0, frames, maxima));
        }, ct);
    }
}
