using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Chunks;

/// <summary>
/// A chunk's work when the STFT stage runs (noise reduction, voice isolation). The chunk reads a
/// window around itself: the gate's context on both sides (so frames and smoothing see what a
/// whole-file pass sees), the loudness pre-roll, and before that the high-pass's warm-up. Zero
/// padding happens only at the signal's true ends, so the result does not depend on the chunking.
/// </summary>
public static class SpectralChunkProcessor
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static async Task<ChunkStatistics> ProcessAsync(ProcessWork work, IBlobStore blobs, CancellationToken ct)
    {
        var chunk = work.Chunk;
        var gate = new SpectralGate(work.Gate!.ToOptions(chunk.SampleRate), chunk.SampleRate, chunk.Channels);
        var outputChannels = gate.OutputChannels;
        var outputStart = chunk.StartFrame - work.PreRollFrames;
        var end = chunk.StartFrame + chunk.Frames;
        var window = await ReadWindowAsync(chunk, blobs, gate, outputStart, end, ct).ConfigureAwait(false);

        var signalMaxima = work.SignalMaximaKey is { } sk ? BinMaxima.FromArray(await DoubleArrayBlob.ReadAsync(blobs, sk, ct).ConfigureAwait(false)) : null;
        var noise = work.NoiseProfileKey is { } nk ? NoiseProfile.FromArray(await DoubleArrayBlob.ReadAsync(blobs, nk, ct).ConfigureAwait(false)) : null;
        var output = new double[(end - outputStart) * outputChannels];
        gate.Process(window.Window, outputStart, end, signalMaxima, noise, output);

        ct.ThrowIfCancellationRequested();
        var weights = outputChannels == chunk.Channels && work.ChannelWeights.Count == outputChannels
            ? work.ChannelWeights.ToArray()
            : ChannelWeights.For(outputChannels, null);
        var meter = new LoudnessMeter(chunk.SampleRate, outputChannels, weights);
        var preRoll = work.PreRollFrames * outputChannels;
        meter.Prime(output.AsSpan(0, preRoll));
        meter.Add(output.AsSpan(preRoll));

        using var samples = blobs.Create(JobBlobKeys.ChunkSamples(chunk.OutputKey));
        var block = new float[Math.Min(output.Length - preRoll, 1 << 14)];
        for (var i = preRoll; i < output.Length; i += block.Length)
        {
            var n = Math.Min(block.Length, output.Length - i);
            for (var j = 0; j < n; j++) block[j] = (float)output[i + j];
            samples.Stream.Write(MemoryMarshal.AsBytes(block.AsSpan(0, n)));
        }
        return await ChunkProcessor.CommitAsync(chunk, blobs, meter, samples, ct).ConfigureAwait(false);
    }

    /// <summary>The analysis step of one chunk (<see cref="AnalysisStep"/>), its result written to the store.</summary>
    public static Task AnalyzeAsync(AnalyzeWork work, IBlobStore blobs, CancellationToken ct) =>
        work.Step == AnalysisStep.Maxima ? MeasureMaximaAsync(work, blobs, ct) : MeasureNoiseAsync(work, blobs, ct);

    /// <summary>True when the chunk's result of the analysis step is in the store (a repeated call can reuse it).</summary>
    public static async Task<bool> IsDoneAsync(AnalyzeWork work, IBlobStore blobs, CancellationToken ct) =>
        await blobs.LengthAsync(work.Step == AnalysisStep.Maxima ? JobBlobKeys.ChunkMaxima(work.Chunk.OutputKey) : JobBlobKeys.ChunkNoise(work.Chunk.OutputKey), ct)
            .ConfigureAwait(false) is not null;

    /// <summary>Analysis step 1: per-bin maxima of the frames this chunk owns, and of those inside the noise clip.</summary>
    private static async Task MeasureMaximaAsync(AnalyzeWork work, IBlobStore blobs, CancellationToken ct)
    {
        var chunk = work.Chunk;
        var gate = new SpectralGate(work.Gate.ToOptions(chunk.SampleRate), chunk.SampleRate, chunk.Channels);
        var start = chunk.StartFrame;
        var end = start + chunk.Frames;
        var window = await ReadWindowAsync(chunk, blobs, gate, start, end, ct).ConfigureAwait(false);
        var signal = gate.MeasureMaxima(window.Window, start, end).ToArray();
        double[] clip = [];
        if (ClipPart(work, start, end) is var (from, to) && from < to)
            clip = gate.MeasureMaxima(window.Window, from, to).ToArray();
        // Layout: [signal length, signal..., clip...]; an empty clip part means this chunk holds none of the clip.
        ct.ThrowIfCancellationRequested();
        await DoubleArrayBlob.WriteAsync(blobs, JobBlobKeys.ChunkMaxima(chunk.OutputKey), [signal.Length, .. signal, .. clip], ct).ConfigureAwait(false);
    }

    /// <summary>Analysis step 2: noise statistics of the owned frames of the noise source, floored with its merged maxima.</summary>
    private static async Task MeasureNoiseAsync(AnalyzeWork work, IBlobStore blobs, CancellationToken ct)
    {
        var chunk = work.Chunk;
        var gate = new SpectralGate(work.Gate.ToOptions(chunk.SampleRate), chunk.SampleRate, chunk.Channels);
        var start = chunk.StartFrame;
        var end = start + chunk.Frames;
        var (from, to) = ClipPart(work, start, end) ?? (start, end);
        var floor = BinMaxima.FromArray(await DoubleArrayBlob.ReadAsync(blobs, work.NoiseMaximaKey!, ct).ConfigureAwait(false));
        var window = await ReadWindowAsync(chunk, blobs, gate, start, end, ct).ConfigureAwait(false);
        var profile = from < to ? gate.MeasureNoise(window.Window, from, to, floor).ToArray() : [];
        ct.ThrowIfCancellationRequested();
        await DoubleArrayBlob.WriteAsync(blobs, JobBlobKeys.ChunkNoise(chunk.OutputKey), profile, ct).ConfigureAwait(false);
    }

    private static (long From, long To)? ClipPart(AnalyzeWork work, long start, long end) =>
        work.NoiseClipStartFrame is { } cs && work.NoiseClipEndFrame is { } ce
            ? (Math.Max(start, cs), Math.Min(end, ce))
            : null;

    private sealed record WindowData(double[] Samples, int Offset, int Channels, long FirstFrame, long TotalFrames)
    {
        public SignalWindow Window => new(Samples.AsSpan(Offset), Channels, FirstFrame, TotalFrames);
    }

    /// <summary>
    /// Reads and high-passes the frames a range needs: [from − context − warm-up, to + context after) within the signal.
    /// The warm-up only settles the high-pass and is left out of the window the gate sees.
    /// </summary>
    private static async Task<WindowData> ReadWindowAsync(ChunkSlice work, IBlobStore blobs, SpectralGate gate, long from, long to, CancellationToken ct)
    {
        var warmUp = work.HighPassHz is null ? 0 : ChunkPlan.PreRollFramesFor(work.SampleRate);
        var first = Math.Max(0, from - gate.ContextFrames - warmUp);
        var last = Math.Min(work.TotalFrames, to + gate.ContextAfterFrames);
        var bytesPerFrame = work.Channels * sizeof(float);
        await using var pcm = await blobs.OpenReadAsync(work.PcmKey, first * bytesPerFrame, (last - first) * bytesPerFrame, ct).ConfigureAwait(false);
        var samples = PcmWindow.Read(pcm, last - first, work.Channels, ct);
        if (work.HighPassHz is { } hz) new HighPassFilter(work.SampleRate, work.Channels, hz).Process(samples);
        var windowStart = first == 0 ? 0 : first + warmUp;
        var offset = checked((int)((windowStart - first) * work.Channels));
        return new WindowData(samples, offset, work.Channels, windowStart, work.TotalFrames);
    }
}
