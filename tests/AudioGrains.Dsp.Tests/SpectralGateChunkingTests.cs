namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The property the distributed pipeline stands on: chunks on the hop grid, each given
/// ContextFrames of context either side, with the analysis passes run per chunk and merged, give
/// what one whole-signal pass gives: bit for bit (stationary, off), ≥ 90 dB SNR (non-stationary).
/// </summary>
public class SpectralGateChunkingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Rate = 16000;

    // Chunk lengths in hops (256 frames), cycled: 400 ms-grid chunks, single hops, chunks shorter
    // than the context and longer ones.
    private static readonly int[] ChunkHops = [100, 25, 1, 7, 200, 50, 3, 75];

    public static TheoryData<string> Setups =>
        ["stationary", "stationary-band", "stationary-clip", "stereo-stationary", "centre-stationary-band", "off-band", "off-centre", "stationary-100ms", "off-band-anywhere",
         "stereo-speech", "centre-speech-band"];

    [Theory]
    [MemberData(nameof(Setups))]
    public void ChunkedEqualsWholeBitForBit(string setup)
    {
        var (options, channels, useClip) = setup switch
        {
            "stationary" => (new SpectralGateOptions(), 1, false),
            "stationary-band" => (new SpectralGateOptions { BandLowHz = 80, BandHighHz = 7600 }, 1, false),
            "stationary-clip" => (new SpectralGateOptions { Strength = 1 }, 1, true),
            "stereo-stationary" => (new SpectralGateOptions(), 2, false),
            "centre-stationary-band" => (new SpectralGateOptions { CentreExtraction = true, BandLowHz = 80, BandHighHz = 7600 }, 2, false),
            "off-band" => (new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80, BandHighHz = 7600 }, 1, false),
            "off-centre" => (new SpectralGateOptions { Mode = DenoiseMode.Off, CentreExtraction = true }, 2, false),
            "stationary-100ms" => (new SpectralGateOptions(), 1, false),
            "off-band-anywhere" => (new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80, BandHighHz = 7600 }, 1, false),
            // The speech estimator's runs all start at frame 0 on a 12 s signal (40 s of convergence span): bit-identical too.
            "stereo-speech" => (new SpectralGateOptions { Mode = DenoiseMode.Speech }, 2, false),
            "centre-speech-band" => (new SpectralGateOptions { Mode = DenoiseMode.Speech, CentreExtraction = true, BandLowHz = 80, BandHighHz = 7600 }, 2, false),
            _ => throw new ArgumentOutOfRangeException(nameof(setup)),
        };
        const int frames = 12 * Rate + 77; // the signal ends off the hop grid
        // Chunks on the hop grid; on the 100 ms grid (1600 frames, 6.25 hops); or anywhere.
        var starts = setup switch
        {
            "stationary-100ms" => ChunkStarts(frames, 1600, [16, 4, 1, 2, 30, 8, 1, 12]),
            "off-band-anywhere" => ChunkStarts(frames, 331, ChunkHops),
            _ => ChunkStarts(frames, 256, ChunkHops),
        };
        var left = GateSignals.Programme(Rate, frames / (double)Rate, seed: 11, starts[3], starts[6] - 1);
        var x = channels == 1 ? left : GateSignals.Interleave(left, Stereo(left, seed: 12));
        var clip = useClip ? GateSignals.WhiteNoise(2 * Rate + 300, 0.01, seed: 13) : null;

        var gate = new SpectralGate(options, Rate, channels);
        var whole = new Pass(gate, x, clip);
        var chunked = new Pass(gate, x, clip, starts);

        if (options.Mode == DenoiseMode.Stationary)
        {
            Assert.Equal(whole.Maxima!.ToArray(), chunked.Maxima!.ToArray());
            Assert.Equal(whole.Noise!.ToArray(), chunked.Noise!.ToArray());
        }
        var differing = 0;
        var worst = 0.0;
        for (var i = 0; i < whole.Output.Length; i++)
        {
            if (whole.Output[i] == chunked.Output[i]) continue;
            differing++;
            worst = Math.Max(worst, Math.Abs(whole.Output[i] - chunked.Output[i]));
        }
        output.WriteLine($"{setup}: {starts.Length} chunks, context {gate.ContextFrames} frames, {differing} of {whole.Output.Length} samples differ (max {worst})");
        Assert.Equal(0, differing);
    }

    [Theory]
    [InlineData(DenoiseMode.NonStationary)]
    [InlineData(DenoiseMode.Speech)]
    public void RecursiveModesAreAbove90DbInEverySeamBin(DenoiseMode mode)
    {
        var gate = new SpectralGate(new SpectralGateOptions { Mode = mode }, Rate, 1);
        const int chunk = 30 * Rate; // the pipeline's default chunk
        const int frames = 150 * Rate + 1000;
        var starts = new List<long>();
        for (long s = 0; s < frames; s += chunk) starts.Add(s);
        starts.Add(3 * chunk + 12 * 256); // and one short chunk: seams 3 s apart
        starts.Sort();
        // Clicks at two seams, and where chunks' contexts begin and end: a context that starts on a
        // click is the worst start for the smoother.
        var clicks = new List<long> { starts[2], starts[4] - 1 };
        var context = gate.ContextFrames;
        for (var i = 1; i < starts.Count; i++)
        {
            if (starts[i] - context > 0) clicks.Add(starts[i] - context);
            if (starts[i] + context < frames) clicks.Add(starts[i] + context);
        }
        var x = GateSignals.Programme(Rate, frames / (double)Rate, seed: 21, [.. clicks]);

        var whole = new Pass(gate, x, null);
        var chunked = new Pass(gate, x, null, [.. starts]);

        var snrs = SnrBySeamDistance(whole.Output, chunked.Output, starts, Rate);
        for (var b = 0; b < snrs.Length; b++)
        {
            var snr = snrs[b];
            output.WriteLine($"{mode}, context {gate.ContextFrames} frames ({gate.ContextFrames / (double)Rate:F1} s): {SeamDistances[b]}: SNR {snr:F1} dB");
            Assert.True(snr >= 90, $"{SeamDistances[b]}: SNR {snr:F1} dB");
        }
    }

    /// <summary>The bins of <see cref="SnrBySeamDistance"/>: distance to the nearest seam.</summary>
    internal static readonly string[] SeamDistances = ["0-10 ms", "10-100 ms", "0.1-1 s", "> 1 s"];

    /// <summary>
    /// SNR of a chunked output against the whole pass's, dB, by distance to the nearest seam (a chunk start other
    /// than 0; chunks of any lengths), in the bins <see cref="SeamDistances"/>.
    /// </summary>
    internal static double[] SnrBySeamDistance(double[] whole, double[] chunked, IEnumerable<long> starts, int rate)
    {
        long[] seams = [.. starts.Where(s => s > 0)];
        double[] edges = [0, 0.010, 0.100, 1.0, double.PositiveInfinity];
        var signal = new double[4];
        var error = new double[4];
        for (var n = 0; n < whole.Length; n++)
        {
            var distance = double.PositiveInfinity;
            foreach (var s in seams) distance = Math.Min(distance, Math.Abs(n + 0.5 - s) / rate);
            var bin = 0;
            while (distance >= edges[bin + 1]) bin++;
            signal[bin] += whole[n] * whole[n];
            var d = chunked[n] - whole[n];
            error[bin] += d * d;
        }
        return [.. signal.Zip(error, (p, e) => 10 * Math.Log10(p / e))];
    }

    [Fact]
    public void SpeechChunksWithinTheConvergenceSpanOfTheStartAreBitIdentical()
    {
        // Every run of these chunks starts at frame 0, as the whole pass does, so the arithmetic is the same;
        // the tiny first chunks read only ContextAfterFrames after them, which must still hold the initial noise frames.
        const int frames = 6 * Rate + 77;
        var x = GateSignals.Programme(Rate, frames / (double)Rate, seed: 61, 300, 4000);
        var gate = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Speech, BandLowHz = 80 }, Rate, 1);
        var whole = new Pass(gate, x, null);
        var chunked = new Pass(gate, x, null, [0, 100, 356, 1000, 5000, 16000, 40000, 90000]);
        Assert.Equal(whole.Output, chunked.Output);
    }

    [Fact]
    public void ContextFramesAt16kHz()
    {
        Assert.Equal(1024, new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80 }, Rate, 1).ContextFrames);
        Assert.Equal(1792, new SpectralGate(new SpectralGateOptions(), Rate, 1).ContextFrames);
        var nonStationary = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.NonStationary }, Rate, 1);
        Assert.Equal(443904, nonStationary.ContextFrames); // (4 + 3 + 1727) hops: 27.7 s
        output.WriteLine($"non-stationary context: {nonStationary.ContextFrames} frames = {nonStationary.ContextFrames / (double)Rate:F2} s");
        var speech = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Speech }, Rate, 1);
        Assert.Equal((4 + 2500) * 256, speech.ContextFrames); // 40 s + the frame overlap
        Assert.Equal((4 + 8) * 256, speech.ContextAfterFrames); // causal: the frame overlap and the initial noise frames
        Assert.Equal(nonStationary.ContextFrames, nonStationary.ContextAfterFrames);
    }

    [Fact]
    public void AnalysisPassesMergeExactlyOverAnyBoundaries()
    {
        // The analysis passes own frames by their centres, so ranges need not lie on the hop grid:
        // 100 ms chunks at 16 kHz (1600 frames, 6.25 hops), and a noise clip inside the signal with
        // odd edges, split once.
        const int frames = 5 * Rate + 123;
        var x = GateSignals.Programme(Rate, frames / (double)Rate, seed: 51);
        var gate = new SpectralGate(new SpectralGateOptions(), Rate, 1);
        var whole = new SignalWindow(x, 1, 0, frames);
        var maxima = gate.MeasureMaxima(whole, 0, frames);
        BinMaxima? merged = null;
        for (long s = 0; s < frames; s += 1600)
        {
            var part = gate.MeasureMaxima(whole, s, Math.Min(frames, s + 1600));
            if (merged is null) merged = part; else merged.Merge(part);
        }
        Assert.Equal(maxima.ToArray(), merged!.ToArray());

        long clipStart = 3333, clipSplit = 20001, clipEnd = 40007;
        var clipMaxima = gate.MeasureMaxima(whole, clipStart, clipEnd);
        var clipWhole = gate.MeasureNoise(whole, clipStart, clipEnd, clipMaxima);
        var first = gate.MeasureNoise(whole, clipStart, clipSplit, clipMaxima);
        first.Merge(gate.MeasureNoise(whole, clipSplit, clipEnd, clipMaxima));
        Assert.Equal(clipWhole.ToArray(), first.ToArray());
        Assert.Equal(gate.Grid(frames).OwnedFrames(clipStart, clipEnd).Last - gate.Grid(frames).OwnedFrames(clipStart, clipEnd).First + 1, clipWhole.Count(0));
    }

    [Fact]
    public void StoredAnalysisRoundTrips()
    {
        var x = GateSignals.Programme(Rate, 3, seed: 31);
        var gate = new SpectralGate(new SpectralGateOptions(), 16000, 1);
        var window = new SignalWindow(x, 1, 0, x.Length);
        var maxima = gate.MeasureMaxima(window, 0, x.Length);
        var noise = gate.MeasureNoise(window, 0, x.Length, maxima);
        var maxima2 = BinMaxima.FromArray(maxima.ToArray());
        var noise2 = NoiseProfile.FromArray(noise.ToArray());
        Assert.Equal(maxima.ToArray(), maxima2.ToArray());
        Assert.Equal(noise.ToArray(), noise2.ToArray());
        for (var k = 0; k < gate.Bins; k++)
        {
            Assert.Equal(noise.Mean(0, k), noise2.Mean(0, k));
            Assert.Equal(noise.Std(0, k), noise2.Std(0, k));
        }
        Assert.Throws<ArgumentException>(() => NoiseProfile.FromArray(noise.ToArray()[..^1]));
        Assert.Throws<ArgumentException>(() => maxima.Merge(new BinMaxima(2, gate.Bins)));
    }

    [Fact]
    public void ProcessRefusesAWindowWithoutTheContext()
    {
        var x = GateSignals.Programme(Rate, 4, seed: 41);
        var gate = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80 }, Rate, 1);
        var start = 6400;
        var end = 12800;
        var context = gate.ContextFrames;
        var y = new double[end - start];
        var ok = new SignalWindow(x.AsSpan(start - context, end - start + 2 * context), 1, start - context, x.Length);
        gate.Process(ok, start, end, null, null, y);
        var cut = gate.Options.FftSize / 2; // on the hop grid the first FftSize − Hop frames of context are needed
        var shortWindow = x.AsSpan(start - context + cut, end - start + 2 * context - cut).ToArray();
        var ex = Assert.Throws<ArgumentException>(() =>
            gate.Process(new SignalWindow(shortWindow, 1, start - context + cut, x.Length), start, end, null, null, y));
        Assert.Contains("ContextFrames", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.Process(new SignalWindow(x, 1, 0, x.Length), 100, x.Length + 1, null, null, new double[x.Length + 1 - 100]));
        Assert.Throws<ArgumentException>(() => gate.Process(new SignalWindow(x, 1, 0, x.Length), 100, end, null, null, new double[end - 99]));
    }

    /// <summary>Chunk starts from 0, chunk lengths the cycled <paramref name="units"/> × <paramref name="unit"/> frames.</summary>
    private static long[] ChunkStarts(long frames, int unit, int[] units)
    {
        var starts = new List<long>();
        long s = 0;
        for (var i = 0; s < frames; i++)
        {
            starts.Add(s);
            s += units[i % units.Length] * (long)unit;
        }
        return [.. starts];
    }

    /// <summary>A right channel sharing part of the left and with its own content.</summary>
    private static double[] Stereo(double[] left, int seed)
    {
        var random = new Random(seed);
        var right = new double[left.Length];
        for (var n = 0; n < left.Length; n++)
            right[n] = 0.7 * left[n] + 0.02 * GateSignals.Gaussian(random) + GateSignals.Sine(0.05, 2500, Rate, n);
        return right;
    }

    /// <summary>One pipeline run: analysis passes and Process, whole or per chunk with merging.</summary>
    internal sealed class Pass
    {
        public Pass(SpectralGate gate, double[] x, double[]? clip, long[]? starts = null)
        {
            var channels = gate.InputChannels;
            var total = x.Length / channels;
            starts ??= [0];
            var ranges = new (long Start, long End)[starts.Length];
            for (var i = 0; i < starts.Length; i++) ranges[i] = (starts[i], i + 1 < starts.Length ? starts[i + 1] : total);
            var half = gate.Options.FftSize / 2;

            if (gate.Options.Mode == DenoiseMode.Stationary)
            {
                foreach (var (s, e) in ranges)
                    Merge(ref _maxima, gate.MeasureMaxima(Window(x, channels, total, s - half, e + half), s, e));
                if (clip is null)
                {
                    foreach (var (s, e) in ranges)
                        Merge(ref _noise, gate.MeasureNoise(Window(x, channels, total, s - half, e + half), s, e, _maxima!));
                }
                else
                {
                    // The clip in two chunks of its own.
                    var clipFrames = clip.Length / channels;
                    var split = clipFrames / 512 * 256;
                    BinMaxima? clipMaxima = null;
                    foreach (var (s, e) in new[] { (0L, (long)split), (split, clipFrames) })
                        Merge(ref clipMaxima, gate.MeasureMaxima(Window(clip, channels, clipFrames, s - half, e + half), s, e));
                    foreach (var (s, e) in new[] { (0L, (long)split), (split, clipFrames) })
                        Merge(ref _noise, gate.MeasureNoise(Window(clip, channels, clipFrames, s - half, e + half), s, e, clipMaxima!));
                }
            }

            Output = new double[total * gate.OutputChannels];
            var context = gate.ContextFrames;
            foreach (var (s, e) in ranges)
            {
                // Exactly the context the gate asks for: ContextFrames before, ContextAfterFrames after.
                var window = Window(x, channels, total, s - context, e + gate.ContextAfterFrames);
                gate.Process(window, s, e, _maxima, _noise, Output.AsSpan((int)s * gate.OutputChannels, (int)(e - s) * gate.OutputChannels));
            }
        }

        private BinMaxima? _maxima;
        private NoiseProfile? _noise;

        public BinMaxima? Maxima => _maxima;
        public NoiseProfile? Noise => _noise;
        public double[] Output { get; }

        /// <summary>A copy of [from, to) ∩ signal, as a chunk worker would read it.</summary>
        private static SignalWindow Window(double[] x, int channels, long total, long from, long to)
        {
            from = Math.Max(0, from);
            to = Math.Min(total, to);
            var copy = x.AsSpan((int)from * channels, (int)(to - from) * channels).ToArray();
            return new SignalWindow(copy, channels, from, total);
        }

        private static void Merge(ref BinMaxima? into, BinMaxima part)
        {
            if (into is null) into = part;
            else into.Merge(part);
        }

        private static void Merge(ref NoiseProfile? into, NoiseProfile part)
        {
            if (into is null) into = part;
            else into.Merge(part);
        }
    }
}
