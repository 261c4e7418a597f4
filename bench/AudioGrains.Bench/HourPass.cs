using System.Diagnostics;
using AudioGrains.Dsp;

namespace AudioGrains.Bench;

/// <summary>
/// `dotnet run -c Release -- hour [minutes]`: one hour (by default) of 16 kHz mono speech-like audio
/// through the spectral gate on one thread, timed per pass, whole-signal and in 30 s chunks with
/// context as the pipeline runs it.
/// </summary>
internal static class HourPass
{
    private const int Rate = 16000;

    public static void Run(string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var frames = (long)(minutes * 60 * Rate);
        var sw = Stopwatch.StartNew();
        var x = SpeechLike.Generate(Rate, frames, seed: 1);
        Console.WriteLine($"{minutes} min of 16 kHz mono generated in {sw.Elapsed.TotalSeconds:F1} s");
        var y = new double[frames];

        // Whole signal, one call per pass.
        var gate = new SpectralGate(new SpectralGateOptions(), Rate, 1);
        var window = new SignalWindow(x, 1, 0, frames);
        var t1 = Time(() => _ = gate.MeasureMaxima(new SignalWindow(x, 1, 0, frames), 0, frames));
        var maxima = gate.MeasureMaxima(window, 0, frames);
        var t2 = Time(() => _ = gate.MeasureNoise(new SignalWindow(x, 1, 0, frames), 0, frames, maxima));
        var noise = gate.MeasureNoise(window, 0, frames, maxima);
        var t3 = Time(() => gate.Process(new SignalWindow(x, 1, 0, frames), 0, frames, maxima, noise, y));
        Report("stationary, whole signal (first calls: JIT tiering)", minutes, t1, t2, t3);
        t1 = Time(() => _ = gate.MeasureMaxima(new SignalWindow(x, 1, 0, frames), 0, frames));
        t2 = Time(() => _ = gate.MeasureNoise(new SignalWindow(x, 1, 0, frames), 0, frames, maxima));
        t3 = Time(() => gate.Process(new SignalWindow(x, 1, 0, frames), 0, frames, maxima, noise, y));
        Report("stationary, whole signal (again)", minutes, t1, t2, t3);

        // 30 s chunks with their context, as ChunkProcessorGrains would run them (one thread).
        const int chunk = 30 * Rate;
        var half = gate.Options.FftSize / 2;
        BinMaxima? merged = null;
        var c1 = Time(() =>
        {
            for (long s = 0; s < frames; s += chunk)
            {
                var e = Math.Min(frames, s + chunk);
                var m = gate.MeasureMaxima(Window(x, frames, s - half, e + half), s, e);
                if (merged is null) merged = m; else merged.Merge(m);
            }
        });
        NoiseProfile? profile = null;
        var c2 = Time(() =>
        {
            for (long s = 0; s < frames; s += chunk)
            {
                var e = Math.Min(frames, s + chunk);
                var p = gate.MeasureNoise(Window(x, frames, s - half, e + half), s, e, merged!);
                if (profile is null) profile = p; else profile.Merge(p);
            }
        });
        var c3 = Time(() => Chunked(gate, x, frames, chunk, merged, profile, y));
        Report("stationary, 30 s chunks", minutes, c1, c2, c3);

        var nonStationary = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.NonStationary }, Rate, 1);
        var n3 = Time(() => Chunked(nonStationary, x, frames, chunk, null, null, y));
        Console.WriteLine($"non-stationary, 30 s chunks (context {nonStationary.ContextFrames / (double)Rate:F1} s each side): Process {n3:F2} s");
        var n4 = Time(() => Chunked(nonStationary, x, frames, 10 * chunk, null, null, y));
        Console.WriteLine($"non-stationary, 5 min chunks: Process {n4:F2} s");

        var band = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80, BandHighHz = 7600 }, Rate, 1);
        var b3 = Time(() => Chunked(band, x, frames, chunk, null, null, y));
        Console.WriteLine($"voice band only, 30 s chunks: Process {b3:F2} s");
    }

    private static void Chunked(SpectralGate gate, double[] x, long frames, int chunk, BinMaxima? maxima, NoiseProfile? noise, double[] y)
    {
        var context = gate.ContextFrames;
        for (long s = 0; s < frames; s += chunk)
        {
            var e = Math.Min(frames, s + chunk);
            gate.Process(Window(x, frames, s - context, e + context), s, e, maxima, noise, y.AsSpan((int)s, (int)(e - s)));
        }
    }

    private static SignalWindow Window(double[] x, long total, long from, long to)
    {
        from = Math.Max(0, from);
        to = Math.Min(total, to);
        return new SignalWindow(x.AsSpan((int)from, (int)(to - from)), 1, from, total);
    }

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    private static void Report(string what, double minutes, double maxima, double noise, double process) =>
        Console.WriteLine($"{what}: MeasureMaxima {maxima:F2} s, MeasureNoise {noise:F2} s, Process {process:F2} s; total {maxima + noise + process:F2} s = {minutes * 60 / (maxima + noise + process):F0}× real time");
}
