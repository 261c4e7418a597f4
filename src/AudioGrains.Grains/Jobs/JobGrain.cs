using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Storage;
using AudioGrains.Media;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Coordinates one job: probe, decode once, fan chunks out over the cluster, merge their loudness
/// exactly, apply one gain while encoding, measure the output. The pipeline runs as a background
/// loop (never inside a grain call, so status stays answerable); a reminder restarts it on another
/// silo after a crash, and it resumes from the persisted state: completed steps and chunks are not redone.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", JobStorage.Name)] IPersistentState<JobState> state,
    IBlobStore blobs,
    MediaProbe probe,
    PcmDecoder decoder,
    PcmEncoder encoder,
    SegmentedOpusOutput segmentedOpus,
    FfmpegOptions ffmpeg,
    ProcessingOptions options,
    MediaLimits limits,
    SiloIdentity silo,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string PulseReminder = "job-pulse";
    private static readonly TimeSpan PulsePeriod = TimeSpan.FromMinutes(1);

    /// <summary>The STFT hop every chunk boundary, pre-roll and noise clip lines up with when the gate runs.</summary>
    private static readonly int StftHop = new SpectralGateOptions().Hop;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Task? _loop;
    private CancellationTokenSource? _loopCancellation;
    private IGrainTimer? _keepAlive;

    private JobState S => state.State;

    private string JobId => this.GetPrimaryKeyString();

    private bool Exists => state.RecordExists && S.Spec is not null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists && !S.Phase.IsTerminal())
        {
            logger.LogInformation("Job {JobId} resumed on silo {Silo} in phase {Phase} with chunks {CompletedChunks} of {ChunkCount} complete",
                JobId, silo.Name, S.Phase, CompletedRanges(), ChunkCountOrZero());
            StartLoop();
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _loopCancellation?.Cancel();
        if (_loop is not null) await _loop.ContinueWith(_ => { }, TaskScheduler.Current);
        _keepAlive?.Dispose();
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        if (!Exists)
        {
            state.State = new JobState { Spec = spec, Phase = JobPhase.Queued, CreatedAt = DateTimeOffset.UtcNow };
            try
            {
                spec.Options.Validated();
            }
            catch (AudioGrainsException e)
            {
                await FailAsync(e.Code, e.Message, deadLetter: false);
                return Status();
            }
            await WriteAsync();
            logger.LogInformation("Job {JobId} started for {FileName} ({InputBytes} bytes), correlation {CorrelationId}",
                JobId, spec.FileName, spec.InputBytes, spec.CorrelationId);
        }
        // A repeated call (Orleans may deliver one twice; a caller may retry after a timeout) makes sure the job runs.
        if (!S.Phase.IsTerminal())
        {
            await this.RegisterOrUpdateReminder(PulseReminder, PulsePeriod, PulsePeriod);
            StartLoop();
        }
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() =>
        Task.FromResult(Exists ? Status() : new JobStatus { JobId = JobId, Exists = false });

    public async Task<JobStatus> CancelAsync()
    {
        if (!Exists || S.Phase.IsTerminal()) return GetStatusAsync().Result;
        await StopLoopAsync();
        S.Phase = JobPhase.Cancelled;
        S.ErrorCode = ErrorCodes.Cancelled;
        S.ErrorMessage = "the job was cancelled";
        S.CompletedAt = DateTimeOffset.UtcNow;
        blobs.DeleteTree(JobBlobKeys.Root(JobId));
        S.OutputKey = null;
        await WriteAsync();
        await UnregisterPulseAsync();
        logger.LogInformation("Job {JobId} cancelled", JobId);
        return Status();
    }

    public async Task<JobStatus> RetryAsync()
    {
        if (!Exists || S.Phase != JobPhase.Failed || !S.DeadLettered) return GetStatusAsync().Result;
        // Resume the phase that failed when its inputs are still there. The completion bitmap belongs to that
        // phase's pass (chunks, analysis chunks or Opus segments), so it starts again empty: finished chunks
        // find their outputs in the store and are reused, not recomputed.
        var working = S.ChunkFrames > 0 && blobs.Exists(JobBlobKeys.Pcm(JobId));
        S.Phase = !working ? JobPhase.Queued
            : S.FailedIn is JobPhase.Analyzing or JobPhase.Processing or JobPhase.Encoding or JobPhase.Assembling ? S.FailedIn.Value
            : JobPhase.Processing;
        if (S.Phase == JobPhase.Queued) S.AnalysisPass = 0;
        S.ResetChunkProgress(ChunkCountOrZero());
        S.FailedIn = null;
        S.Attempts = 0;
        S.ErrorCode = null;
        S.ErrorMessage = null;
        S.DeadLettered = false;
        S.CompletedAt = null;
        await WriteAsync();
        await this.RegisterOrUpdateReminder(PulseReminder, PulsePeriod, PulsePeriod);
        logger.LogInformation("Job {JobId} retried by an operator from phase {Phase}", JobId, S.Phase);
        StartLoop();
        return Status();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PulseReminder) return;
        if (!Exists || S.Phase.IsTerminal()) await UnregisterPulseAsync();
        else StartLoop();
    }

    private void StartLoop()
    {
        if (_loop is { IsCompleted: false }) return;
        _loopCancellation = new CancellationTokenSource();
        // Keeps the activation alive while the loop runs: a background task alone does not count as activity.
        _keepAlive ??= this.RegisterGrainTimer(static _ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        _loop = RunLoopAsync(_loopCancellation.Token);
    }

    private async Task StopLoopAsync()
    {
        _loopCancellation?.Cancel();
        if (_loop is not null)
        {
            try { await _loop; } catch (OperationCanceledException) { }
        }
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        await Task.Yield();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = JobId, ["CorrelationId"] = S.Spec?.CorrelationId ?? "" });
        try
        {
            while (Exists && !S.Phase.IsTerminal() && !ct.IsCancellationRequested)
            {
                try
                {
                    switch (S.Phase)
                    {
                        case JobPhase.Queued or JobPhase.Probing: await ProbeAsync(ct); break;
                        case JobPhase.Decoding: await DecodeAsync(ct); break;
                        case JobPhase.Analyzing: await AnalyzeAsync(ct); break;
                        case JobPhase.Processing: await ProcessChunksAsync(ct); break;
                        case JobPhase.Encoding: await EncodeChunksAsync(ct); break;
                        case JobPhase.Assembling: await AssembleAsync(ct); break;
                        default: throw new InvalidOperationException($"unexpected phase {S.Phase}");
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    await HandleStepFailureAsync(e, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }

    private async Task ProbeAsync(CancellationToken ct)
    {
        S.Phase = JobPhase.Probing;
        var path = blobs.PathOf(S.Spec!.InputKey);
        var info = await Task.Run(() => probe.ProbeAsync(path, limits, ct), ct);
        S.Media = info.ToFacts();
        S.Phase = JobPhase.Decoding;
        S.Attempts = 0;
        await WriteAsync();
        logger.LogInformation("Job {JobId} probed: {Format} {Codec} {SampleRate} Hz {Channels} ch {Duration:F1} s",
            JobId, info.FormatName, info.AudioCodec, info.SampleRate, info.Channels, info.DurationSeconds);
    }

    private async Task DecodeAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        var options = spec.Options;
        var media = S.Media!;
        var rate = options.SampleRate ?? media.SampleRate;
        // Voice isolation of stereo to mono extracts the centre, so the stereo image must survive the decode.
        var centre = options.IsolateVoice && options.Mono && media.Channels == 2;
        var channels = options.Mono && !centre ? 1 : media.Channels;
        var watch = Stopwatch.StartNew();
        // One sequential decode: the working PCM for the chunks, and the input as it is for its report.
        var inputMeter = new LoudnessMeter(media.SampleRate, media.Channels, ChannelWeights.For(media.Channels, media.ChannelLayout)) { SplitTruePeak = true };
        var frames = await Task.Run(() => decoder.DecodeAsync(blobs.PathOf(spec.InputKey), media.ToInfo(),
            new PcmFormat(rate, channels), blobs.PathForWriting(JobBlobKeys.Pcm(JobId)), block => inputMeter.Add(block), ct), ct);
        if (frames == 0)
            throw new AudioGrainsException(ErrorCodes.InvalidMedia, $"no audio could be decoded from \"{spec.FileName}\"");
        if (options.NoiseFileKey is { } noiseKey)
            await DecodeNoiseFileAsync(noiseKey, rate, channels, ct);

        var gate = GateFor(options, centre);
        var segment = LoudnessSegments.Length(rate);
        var grid = gate is null ? segment : LeastCommonMultiple(segment, StftHop);
        var plan = ChunkPlan.Create(frames, rate, options.ChunkSeconds, grid);
        if (options.NoiseClipStartSeconds is { } clipStart && options.NoiseClipEndSeconds is { } clipEnd)
        {
            var first = (long)Math.Floor(clipStart * rate / StftHop) * StftHop;
            var last = Math.Min(frames, (long)Math.Ceiling(clipEnd * rate / StftHop) * StftHop);
            if (first >= last)
                throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                    $"the noise clip {clipStart:0.###}-{clipEnd:0.###} s lies outside \"{spec.FileName}\" ({(double)frames / rate:0.###} s)");
            S.NoiseClipStartFrame = first;
            S.NoiseClipEndFrame = last;
        }
        S.Input = inputMeter.Result().ToReport();
        S.WorkSampleRate = rate;
        S.WorkChannels = channels;
        S.OutputChannels = centre ? 1 : channels;
        S.ChannelWeights = ChannelWeights.For(channels, channels == media.Channels ? media.ChannelLayout : null);
        S.TotalFrames = frames;
        S.ChunkFrames = plan.ChunkFrames;
        S.GridFrames = grid;
        S.ResetChunkProgress(plan.Count);
        S.StepSeconds["decode"] = watch.Elapsed.TotalSeconds;
        S.Phase = options.Denoise == NoiseReduction.Stationary ? JobPhase.Analyzing : JobPhase.Processing;
        S.AnalysisPass = S.Phase == JobPhase.Analyzing ? 1 : 0;
        S.Attempts = 0;
        await WriteAsync();
        logger.LogInformation("Job {JobId} decoded {Frames} frames at {SampleRate} Hz, {Channels} ch into {ChunkCount} chunks",
            JobId, frames, rate, channels, plan.Count);
    }

    /// <summary>The separate noise recording, decoded to the working format; short by rule, so it is analysed whole.</summary>
    private async Task DecodeNoiseFileAsync(string noiseKey, int rate, int channels, CancellationToken ct)
    {
        var path = blobs.PathOf(noiseKey);
        var noiseLimits = limits with { MaxDurationSeconds = MaxNoiseFileSeconds };
        var info = await Task.Run(() => probe.ProbeAsync(path, noiseLimits, ct), ct);
        var noiseDecoder = new PcmDecoder(ffmpeg, noiseLimits);
        await Task.Run(() => noiseDecoder.DecodeAsync(path, info, new PcmFormat(rate, channels),
            blobs.PathForWriting(JobBlobKeys.NoisePcm(JobId)), null, ct), ct);
    }

    private const double MaxNoiseFileSeconds = 60;

    private static GateSpec? GateFor(NormalizeOptions options, bool centre) =>
        options.Denoise == NoiseReduction.Off && !options.IsolateVoice
            ? null
            : new GateSpec
            {
                Mode = options.Denoise, Strength = options.DenoiseStrength, IsolateVoice = options.IsolateVoice, CentreExtraction = centre,
                ThresholdStd = options.DenoiseThresholdStd, FreqSmoothHz = options.DenoiseFreqSmoothHz, TimeSmoothMs = options.DenoiseTimeSmoothMs,
            };

    private GateSpec? Gate() => GateFor(S.Spec!.Options, S.OutputChannels == 1 && S.WorkChannels == 2);

    private static int LeastCommonMultiple(int a, int b) => a / (int)System.Numerics.BigInteger.GreatestCommonDivisor(a, b) * b;

    /// <summary>
    /// Stationary noise reduction needs two global statistics before any chunk can be processed:
    /// pass 1, the per-bin maxima (the dB floor) of the signal and of the noise source; pass 2, the
    /// noise source's per-bin mean and deviation. Both are computed per chunk and merged exactly.
    /// </summary>
    private async Task AnalyzeAsync(CancellationToken ct)
    {
        var plan = Plan();
        var watch = Stopwatch.StartNew();
        var noiseFile = S.Spec!.Options.NoiseFileKey is not null;
        if (S.AnalysisPass == 1)
        {
            await RunChunksAsync(ChunkPass.Maxima, Enumerable.Range(0, plan.Count).ToList(), ct);
            var jobId = JobId;
            var (signal, clip) = await Task.Run(() => MergeMaxima(blobs, jobId, plan.Count), ct);
            DoubleArrayBlob.Write(blobs, JobBlobKeys.SignalMaxima(JobId), signal.ToArray());
            var noiseMaxima = noiseFile ? (await NoiseFileAnalysisAsync(ct)).Maxima : clip ?? signal;
            DoubleArrayBlob.Write(blobs, JobBlobKeys.NoiseMaxima(JobId), noiseMaxima.ToArray());
            S.AnalysisPass = 2;
            S.ResetChunkProgress(plan.Count);
        }
        else
        {
            NoiseProfile profile;
            if (noiseFile)
            {
                profile = (await NoiseFileAnalysisAsync(ct)).Profile;
            }
            else
            {
                var indices = Enumerable.Range(0, plan.Count).Where(i => OverlapsNoiseClip(plan, i)).ToList();
                await RunChunksAsync(ChunkPass.Noise, indices, ct);
                var jobId = JobId;
                profile = await Task.Run(() => MergeNoise(blobs, jobId, indices), ct);
            }
            DoubleArrayBlob.Write(blobs, JobBlobKeys.NoiseProfile(JobId), profile.ToArray());
            S.Phase = JobPhase.Processing;
            S.AnalysisPass = 0;
            S.ResetChunkProgress(plan.Count);
        }
        S.StepSeconds["analyze"] = S.StepSeconds.GetValueOrDefault("analyze") + watch.Elapsed.TotalSeconds;
        S.Attempts = 0;
        await WriteAsync();
    }

    private static (BinMaxima Signal, BinMaxima? Clip) MergeMaxima(IBlobStore blobs, string jobId, int count)
    {
        BinMaxima? signal = null, clip = null;
        for (var i = 0; i < count; i++)
        {
            var flat = DoubleArrayBlob.Read(blobs, JobBlobKeys.ChunkMaxima(JobBlobKeys.Chunk(jobId, i)));
            var signalLength = (int)flat[0];
            var chunkSignal = BinMaxima.FromArray(flat.AsSpan(1, signalLength).ToArray());
            if (signal is null) signal = chunkSignal; else signal.Merge(chunkSignal);
            if (flat.Length > 1 + signalLength)
            {
                var chunkClip = BinMaxima.FromArray(flat.AsSpan(1 + signalLength).ToArray());
                if (clip is null) clip = chunkClip; else clip.Merge(chunkClip);
            }
        }
        return (signal!, clip);
    }

    private static NoiseProfile MergeNoise(IBlobStore blobs, string jobId, IReadOnlyList<int> indices)
    {
        NoiseProfile? merged = null;
        foreach (var i in indices)
        {
            var flat = DoubleArrayBlob.Read(blobs, JobBlobKeys.ChunkNoise(JobBlobKeys.Chunk(jobId, i)));
            if (flat.Length == 0) continue;
            var part = NoiseProfile.FromArray(flat);
            if (merged is null) merged = part; else merged.Merge(part);
        }
        return merged ?? throw new AudioGrainsException(ErrorCodes.InvalidOptions, "the noise clip holds no whole STFT frame");
    }

    private bool OverlapsNoiseClip(ChunkPlan plan, int index) =>
        S.NoiseClipStartFrame is not { } first || S.NoiseClipEndFrame is not { } last
        || (plan.Start(index) < last && plan.Start(index) + plan.Length(index) > first);

    /// <summary>Maxima and profile of the separate noise recording, analysed whole (it is at most a minute long).</summary>
    private Task<(BinMaxima Maxima, NoiseProfile Profile)> NoiseFileAnalysisAsync(CancellationToken ct)
    {
        // Everything the thread pool needs is read here, on the grain's own scheduler.
        var options = Gate()!.ToOptions(S.WorkSampleRate);
        var (rate, channels, path) = (S.WorkSampleRate, S.WorkChannels, blobs.PathOf(JobBlobKeys.NoisePcm(JobId)));
        return Task.Run(() =>
        {
            var gate = new SpectralGate(options, rate, channels);
            var frames = new FileInfo(path).Length / (channels * sizeof(float));
            using var pcm = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var samples = PcmWindow.Read(pcm, 0, frames, channels, ct);
            var window = new SignalWindow(samples, channels, 0, frames);
            var maxima = gate.MeasureMaxima(window, 0, frames);
            return (maxima, gate.MeasureNoise(window, 0, frames, maxima));
        }, ct);
    }

    private async Task ProcessChunksAsync(CancellationToken ct)
    {
        if (!blobs.Exists(JobBlobKeys.Pcm(JobId)))
        {
            // The working PCM is gone (a wiped volume): decode again rather than fail.
            logger.LogWarning("Job {JobId} lost its working PCM; decoding again", JobId);
            S.Phase = JobPhase.Decoding;
            await WriteAsync();
            return;
        }
        var watch = Stopwatch.StartNew();
        try
        {
            await RunChunksAsync(ChunkPass.Process, Enumerable.Range(0, Plan().Count).ToList(), ct);
        }
        finally
        {
            S.StepSeconds["process"] = S.StepSeconds.GetValueOrDefault("process") + watch.Elapsed.TotalSeconds;
        }
        S.Phase = EncodesSegments() ? JobPhase.Encoding : JobPhase.Assembling;
        var packet = Media.Ogg.OpusSegments.PacketFrames(S.WorkSampleRate);
        S.EncodeSegmentFrames = Math.Max(1, (int)Math.Round(options.EncodeSegmentSeconds * S.WorkSampleRate / packet)) * packet;
        S.ResetChunkProgress(S.Phase == JobPhase.Encoding ? EncodeSegments().Count : Plan().Count);
        S.Attempts = 0;
        await WriteAsync();
    }

    /// <summary>
    /// Opus output is encoded by the chunks, each its own stretch with pre- and post-roll, in parallel across the
    /// cluster; the segments are joined into the packets one sequential encode gives (checked at every seam).
    /// Other formats are cheap to encode and are written in one stream by the assembly.
    /// </summary>
    private bool EncodesSegments()
    {
        var format = OutputFormats.Parse(S.Spec!.Options.OutputFormat);
        return format is OutputFormat.Opus or OutputFormat.WebM && Media.Ogg.OpusSegments.CanSegment(S.WorkSampleRate);
    }

    private async Task EncodeChunksAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var (_, gain) = await OutputLevelAsync(ct);
            await RunChunksAsync(ChunkPass.Encode, Enumerable.Range(0, EncodeSegments().Count).ToList(), ct, gain.Linear);
        }
        finally
        {
            S.StepSeconds["encode"] = S.StepSeconds.GetValueOrDefault("encode") + watch.Elapsed.TotalSeconds;
        }
        S.Phase = JobPhase.Assembling;
        S.Attempts = 0;
        await WriteAsync();
    }

    /// <summary>The processed signal's loudness, merged exactly from the chunks, and the one gain that takes it to the target.</summary>
    private async Task<(LoudnessMerge Merged, NormalizationGain Gain)> OutputLevelAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        var count = Plan().Count;
        var rate = S.WorkSampleRate;
        var merged = await Task.Run(() => LoudnessMerge.Of(Enumerable.Range(0, count).Select(ReadStatistics), rate), ct);
        var gain = spec.Options.NormalizeVolume
            ? NormalizationGain.Compute(merged.IntegratedLufs, merged.TruePeakDbtp, spec.Options.TargetLufs, spec.Options.TruePeakCeilingDbtp)
            : new NormalizationGain(0, false);
        return (merged, gain);
    }

    /// <summary>The Opus segments: <see cref="JobState.EncodeSegmentFrames"/> each from the start, the last one shorter.</summary>
    private List<(long Start, long Frames)> EncodeSegments()
    {
        var length = Math.Max(1, S.EncodeSegmentFrames);
        var segments = new List<(long, long)>();
        for (var start = 0L; start < S.TotalFrames; start += length) segments.Add((start, Math.Min(length, S.TotalFrames - start)));
        return segments;
    }

    /// <summary>
    /// The output's report from the segments' own measurements (decoded in the encode pass, merged exactly), or null
    /// when a seam's decoders disagree or a segment was not measured: then the whole file is decoded and measured.
    /// </summary>
    private LoudnessReport? MeasuredBySegments()
    {
        if (!SegmentMeasurement.CanMeasure(S.OutputChannels)) return null;
        var keys = Enumerable.Range(0, EncodeSegments().Count).Select(i => JobBlobKeys.Segment(JobId, i)).ToList();
        if (!SegmentMeasurement.SeamsAgree(blobs, keys))
        {
            logger.LogWarning("Job {JobId}: the Opus segments' decoders disagree at a seam; measuring the whole output instead", JobId);
            return null;
        }
        return LoudnessMerge.Of(keys.Select(ReadStatistics), SegmentMeasurement.DecodedRate)
            .ToReport(SegmentMeasurement.DecodedRate, S.OutputChannels);
    }

    /// <summary>Pre-roll of an Opus segment: two seconds, or back to the start; whole packets, as chunk starts are.</summary>
    private static int EncodePreRoll(long start, int rate) => (int)Math.Min(start, Media.Ogg.OpusSegments.PreRollFrames(rate));

    /// <summary>
    /// Fans one pass out over the chunks not yet recorded complete, a bounded number in flight,
    /// each retried with backoff; completions are checkpointed in batches.
    /// </summary>
    private async Task RunChunksAsync(ChunkPass pass, IReadOnlyList<int> indices, CancellationToken ct, double outputGain = 1)
    {
        var plan = Plan();
        var lastCheckpoint = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(options.MaxChunksInFlight);
        var pending = indices.Where(i => !S.IsChunkComplete(i)).ToList();

        async Task RunChunkAsync(int index)
        {
            await inFlight.WaitAsync(ct);
            try
            {
                var work = WorkFor(plan, index, pass, outputGain);
                var grain = GrainFactory.GetGrain<IChunkProcessorGrain>($"{JobId}/{index}");
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var outcome = await grain.ProcessAsync(work).WaitAsync(ct);
                        S.MarkChunkComplete(index);
                        if (!S.ChunkSilos.Contains(outcome.Silo)) S.ChunkSilos.Add(outcome.Silo);
                        if (lastCheckpoint.Elapsed >= options.CheckpointInterval)
                        {
                            lastCheckpoint.Restart();
                            await WriteAsync();
                        }
                        return;
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested && attempt < options.MaxChunkAttempts)
                    {
                        var delay = RetryDelay.For(attempt, options.RetryBaseDelay, options.RetryMaxDelay);
                        logger.LogWarning("Chunk {Chunk} of job {JobId} failed in pass {Pass} (attempt {Attempt}), retrying in {DelayMs:F0} ms: {Error}",
                            index, JobId, pass, attempt, delay.TotalMilliseconds, e.Message);
                        await Task.Delay(delay, ct);
                    }
                }
            }
            finally
            {
                inFlight.Release();
            }
        }

        await Task.WhenAll(pending.Select(RunChunkAsync));
    }

    private async Task AssembleAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        var plan = Plan();
        var rate = S.WorkSampleRate;
        var channels = S.OutputChannels;
        var watch = Stopwatch.StartNew();

        var (merged, gain) = await OutputLevelAsync(ct);
        var note = !spec.Options.NormalizeVolume ? "loudness normalization was off"
            : !double.IsFinite(merged.IntegratedLufs) ? "the input is silent or shorter than one 400 ms gating block: no gain was applied"
            : gain.PeakLimited ? $"the true-peak ceiling of {spec.Options.TruePeakCeilingDbtp} dBTP kept the gain from reaching {spec.Options.TargetLufs} LUFS"
            : null;

        var format = OutputFormats.Parse(spec.Options.OutputFormat);
        var outputKey = JobBlobKeys.Output(JobId, OutputFormats.Extension(format));
        var outputPath = blobs.PathForWriting(outputKey);
        var totalFrames = S.TotalFrames;
        var joined = false;
        if (EncodesSegments())
        {
            var segments = EncodeSegments().Select((x, i) => new Media.Ogg.OpusSegment(
                blobs.PathOf(JobBlobKeys.ChunkEncoded(JobBlobKeys.Segment(JobId, i))), EncodePreRoll(x.Start, rate), x.Frames)).ToList();
            try
            {
                var unconverged = await segmentedOpus.WriteAsync(segments, rate, totalFrames, outputPath, format, ct);
                if (unconverged.Count > 0)
                    logger.LogWarning("Job {JobId}: {SeamCount} of {SegmentSeams} Opus seams had not converged ({Seams}); the stream is valid and differs from one sequential encode only after them",
                        JobId, unconverged.Count, segments.Count - 1, string.Join("; ", unconverged));
                joined = true;
            }
            catch (InvalidDataException e)
            {
                // Segments from silos with another libopus, or damaged: one sequential encode is always right.
                logger.LogWarning("Job {JobId}: the Opus segments cannot be joined ({Reason}); encoding in one stream instead", JobId, e.Message);
            }
        }
        if (!joined)
        {
            var chunkKeys = Enumerable.Range(0, plan.Count).Select(i => JobBlobKeys.ChunkSamples(JobBlobKeys.Chunk(JobId, i))).ToList();
            var duration = (double)totalFrames / rate;
            await Task.Run(async () =>
            {
                await using var session = encoder.Start(outputPath, format, new PcmFormat(rate, channels), duration, ct);
                await OutputAssembler.AssembleAsync(blobs, chunkKeys, gain.Linear, session, channels, options.BlockFrames, ct);
                await session.CompleteAsync(ct);
            }, ct);
        }
        S.StepSeconds["assemble"] = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var output = joined && MeasuredBySegments() is { } bySegments
            ? bySegments
            : await Task.Run(() => Measurements.MeasureFileAsync(probe, decoder, blobs.PathOf(outputKey), limits, ct), ct);
        // Opus always decodes at 48 kHz (measured so); the rate the file holds is the one encoded, as its header says.
        if (format is OutputFormat.Opus or OutputFormat.WebM && PcmEncoder.IsOpusRate(rate)) output = output with { SampleRate = rate };
        S.StepSeconds["measure_output"] = watch.Elapsed.TotalSeconds;

        S.Report = new JobReport
        {
            Input = S.Input!,
            Output = output,
            GainDb = gain.GainDb,
            PeakLimited = gain.PeakLimited,
            Chunks = plan.Count,
            ChunkSilos = [.. S.ChunkSilos],
            StepSeconds = new Dictionary<string, double>(S.StepSeconds),
            Note = note,
        };
        S.OutputKey = outputKey;
        S.Phase = JobPhase.Completed;
        S.CompletedAt = DateTimeOffset.UtcNow;
        DeleteIntermediates();
        await WriteAsync();
        await UnregisterPulseAsync();
        logger.LogInformation("Job {JobId} completed: {InputLufs:F2} LUFS -> {OutputLufs:F2} LUFS, gain {GainDb:F2} dB, peak limited {PeakLimited}, {ChunkCount} chunks on {SiloCount} silos",
            JobId, S.Input!.IntegratedLufs, output.IntegratedLufs, gain.GainDb, gain.PeakLimited, plan.Count, S.ChunkSilos.Count);
    }

    private ChunkStatistics ReadStatistics(int index) => ReadStatistics(JobBlobKeys.Chunk(JobId, index));

    /// <summary>The statistics of a chunk or an Opus segment, by its key.</summary>
    private ChunkStatistics ReadStatistics(string key)
    {
        using var stream = blobs.OpenRead(JobBlobKeys.ChunkStatistics(key));
        return ChunkStatistics.ReadFrom(stream);
    }

    private async Task HandleStepFailureAsync(Exception e, CancellationToken ct)
    {
        var (code, message, permanent) = e switch
        {
            AudioGrainsException a => (a.Code, a.Message, a.IsPermanent),
            _ => (ErrorCodes.ProcessingFailed, e.Message, false),
        };
        if (permanent)
        {
            logger.LogWarning("Job {JobId} failed in phase {Phase}: {ErrorCode}: {ErrorMessage}", JobId, S.Phase, code, message);
            await FailAsync(code, message, deadLetter: false);
            return;
        }
        S.Attempts++;
        if (S.Attempts >= options.MaxJobAttempts)
        {
            logger.LogError(e, "Job {JobId} dead-lettered in phase {Phase} after {Attempts} attempts: {ErrorCode}: {ErrorMessage}",
                JobId, S.Phase, S.Attempts, code, message);
            await FailAsync(code, $"{S.Phase.ToString().ToLowerInvariant()} failed after {S.Attempts} attempts: {message}", deadLetter: true);
            return;
        }
        var delay = RetryDelay.For(S.Attempts, options.RetryBaseDelay, options.RetryMaxDelay);
        logger.LogWarning("Job {JobId} phase {Phase} failed (attempt {Attempt}), retrying in {DelayMs:F0} ms: {ErrorCode}: {ErrorMessage}",
            JobId, S.Phase, S.Attempts, delay.TotalMilliseconds, code, message);
        await WriteAsync();
        await Task.Delay(delay, ct);
    }

    private async Task FailAsync(string code, string message, bool deadLetter)
    {
        S.FailedIn = S.Phase;
        S.Phase = JobPhase.Failed;
        S.ErrorCode = code;
        S.ErrorMessage = message;
        S.DeadLettered = deadLetter;
        S.CompletedAt = DateTimeOffset.UtcNow;
        if (deadLetter)
        {
            // Keep the input and finished chunks so an operator's retry resumes where it stopped.
        }
        else
        {
            blobs.DeleteTree(JobBlobKeys.Root(JobId));
        }
        await WriteAsync();
        await UnregisterPulseAsync();
    }

    private void DeleteIntermediates()
    {
        blobs.DeleteTree(JobBlobKeys.Work(JobId));
        blobs.Delete(JobBlobKeys.Input(JobId));
    }

    private async Task WriteAsync()
    {
        await _writeLock.WaitAsync();
        try { await state.WriteStateAsync(); }
        finally { _writeLock.Release(); }
    }

    private async Task UnregisterPulseAsync()
    {
        var reminder = await this.GetReminder(PulseReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    private ChunkPlan Plan() => new(S.TotalFrames, S.ChunkFrames, S.GridFrames);

    /// <summary>Work items of the current pass: chunks, or Opus segments while encoding (the completion bitmap counts those).</summary>
    private int ChunkCountOrZero() => S.ChunkFrames == 0 ? 0 : S.Phase == JobPhase.Encoding ? EncodeSegments().Count : Plan().Count;

    private ChunkWork WorkFor(ChunkPlan plan, int index, ChunkPass pass, double outputGain)
    {
        if (pass == ChunkPass.Encode)
        {
            var segment = EncodeSegments()[index];
            return new ChunkWork
            {
                JobId = JobId,
                Index = index,
                PcmKey = JobBlobKeys.Pcm(JobId),
                OutputKey = JobBlobKeys.Segment(JobId, index),
                StartFrame = segment.Start,
                Frames = (int)segment.Frames,
                SampleRate = S.WorkSampleRate,
                Channels = S.OutputChannels,
                CorrelationId = S.Spec!.CorrelationId,
                Pass = pass,
                TotalFrames = S.TotalFrames,
                OutputGain = outputGain,
                EncodePreRollFrames = EncodePreRoll(segment.Start, S.WorkSampleRate),
                EncodePostRollFrames = Media.Ogg.OpusSegments.PostRollFrames(S.WorkSampleRate),
                PlanChunkFrames = plan.ChunkFrames,
                MeasureEncoded = SegmentMeasurement.CanMeasure(S.OutputChannels),
            };
        }
        var gate = Gate();
        var stationary = gate?.Mode == NoiseReduction.Stationary;
        return new ChunkWork
        {
            JobId = JobId,
            Index = index,
            PcmKey = JobBlobKeys.Pcm(JobId),
            OutputKey = JobBlobKeys.Chunk(JobId, index),
            StartFrame = plan.Start(index),
            Frames = plan.Length(index),
            // With the STFT stage the pre-roll is processed too, so it must start on the hop grid.
            PreRollFrames = plan.PreRoll(index, S.WorkSampleRate, gate is null ? 1 : StftHop),
            SampleRate = S.WorkSampleRate,
            Channels = S.WorkChannels,
            HighPassHz = S.Spec!.Options.HighPassHz,
            ChannelWeights = S.ChannelWeights,
            CorrelationId = S.Spec.CorrelationId,
            Pass = pass,
            Gate = gate,
            TotalFrames = S.TotalFrames,
            SignalMaximaKey = stationary && pass == ChunkPass.Process ? JobBlobKeys.SignalMaxima(JobId) : null,
            NoiseProfileKey = stationary && pass == ChunkPass.Process ? JobBlobKeys.NoiseProfile(JobId) : null,
            NoiseMaximaKey = pass == ChunkPass.Noise ? JobBlobKeys.NoiseMaxima(JobId) : null,
            NoiseClipStartFrame = S.NoiseClipStartFrame,
            NoiseClipEndFrame = S.NoiseClipEndFrame,
        };
    }

    private string CompletedRanges()
    {
        if (S.ChunkFrames == 0) return "";
        var count = ChunkCountOrZero();
        var ranges = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (!S.IsChunkComplete(i)) continue;
            var j = i;
            while (j + 1 < count && S.IsChunkComplete(j + 1)) j++;
            ranges.Add(i == j ? $"{i}" : $"{i}-{j}");
            i = j;
        }
        return string.Join(",", ranges);
    }

    private JobStatus Status()
    {
        var total = ChunkCountOrZero();
        var done = total > 0 ? S.CompletedChunkCount() : 0;
        var progress = S.Phase switch
        {
            JobPhase.Queued => 0,
            JobPhase.Probing => 1,
            JobPhase.Decoding => 3,
            JobPhase.Analyzing => 5 + (int)(5 * (S.AnalysisPass - 1 + (total == 0 ? 0 : (double)done / total))),
            JobPhase.Processing => 15 + (total == 0 ? 0 : 70 * done / total),
            JobPhase.Encoding => 85 + (total == 0 ? 0 : 10 * done / total),
            JobPhase.Assembling => 96,
            JobPhase.Completed => 100,
            _ => 0,
        };
        return new JobStatus
        {
            JobId = JobId,
            Phase = S.Phase,
            Progress = progress,
            ChunksTotal = total,
            ChunksCompleted = done,
            ErrorCode = S.ErrorCode,
            ErrorMessage = S.ErrorMessage,
            Report = S.Report,
            CreatedAt = S.CreatedAt,
            CompletedAt = S.CompletedAt,
            OutputKey = S.OutputKey,
            FileName = S.Spec?.FileName,
            Host = silo.Name,
            Attempts = S.Attempts,
            Options = S.Spec?.Options,
        };
    }
}

/// <summary>The grain storage provider that holds job state.</summary>
public static class JobStorage
{
    public const string Name = "jobs";
}
