using System.Diagnostics;
using AudioGrains.Dsp;

namespace AudioGrains.Bench;

/// <summary>Rough per-call timings without BenchmarkDotNet, for quick iteration: `dotnet run -c Release -- quick`.</summary>
internal static class QuickTimer
{
    public static void Run()
    {
        const int n = 1024;
        var fft = new RealFft(n);
        var x = new double[n];
        var random = new Random(1);
        for (var i = 0; i < n; i++) x[i] = random.NextDouble() * 2 - 1;
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        var y = new double[n];
        for (var rep = 0; rep < 3; rep++)
        {
            Console.WriteLine($"forward {Time(() => fft.Forward(x, re, im)):F0} ns, inverse {Time(() => fft.Inverse(re, im, y)):F0} ns");
        }
    }

    public static void Gate()
    {
        const int rate = 16000, frames = 60 * rate, stft = 1 + frames / 256;
        var x = SpeechLike.Generate(rate, frames, 1);
        var y = new double[frames];
        var gate = new SpectralGate(new SpectralGateOptions(), rate, 1);
        var maxima = gate.MeasureMaxima(new SignalWindow(x, 1, 0, frames), 0, frames);
        var noise = gate.MeasureNoise(new SignalWindow(x, 1, 0, frames), 0, frames, maxima);
        var ns = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.NonStationary }, rate, 1);
        var band = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80 }, rate, 1);
        var plain = new SpectralGate(new SpectralGateOptions { FreqMaskSmoothHz = 0, TimeMaskSmoothMs = 0 }, rate, 1);
        var timeOnly = new SpectralGate(new SpectralGateOptions { FreqMaskSmoothHz = 0 }, rate, 1);

        for (var rep = 0; rep < 3; rep++)
        {
            Console.WriteLine(
                $"per frame: maxima {TimeOnce(() => gate.MeasureMaxima(new SignalWindow(x, 1, 0, frames), 0, frames)) / stft:F0} ns, " +
                $"noise {TimeOnce(() => gate.MeasureNoise(new SignalWindow(x, 1, 0, frames), 0, frames, maxima)) / stft:F0} ns, " +
                $"process {TimeOnce(() => gate.Process(new SignalWindow(x, 1, 0, frames), 0, frames, maxima, noise, y)) / stft:F0} ns, " +
                $"non-stationary {TimeOnce(() => ns.Process(new SignalWindow(x, 1, 0, frames), 0, frames, null, null, y)) / stft:F0} ns, " +
                $"band {TimeOnce(() => band.Process(new SignalWindow(x, 1, 0, frames), 0, frames, null, null, y)) / stft:F0} ns, " +
                $"stationary unsmoothed {TimeOnce(() => plain.Process(new SignalWindow(x, 1, 0, frames), 0, frames, maxima, noise, y)) / stft:F0} ns, time-smoothed only {TimeOnce(() => timeOnly.Process(new SignalWindow(x, 1, 0, frames), 0, frames, maxima, noise, y)) / stft:F0} ns");
        }
    }

    private static double TimeOnce(Action action)
    {
        var best = double.MaxValue;
        for (var r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalNanoseconds);
        }
        return best;
    }

    private static double Time(Action action)
    {
        const int iterations = 200_000;
        for (var i = 0; i < 1000; i++) action();
        var best = double.MaxValue;
        for (var r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iterations / 5; i++) action();
            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / (iterations / 5));
        }
        return best;
    }
}
