namespace AudioGrains.Dsp.Tests;

/// <summary>Signals and measurements for the spectral gate tests, built in code.</summary>
internal static class GateSignals
{
    public static double Gaussian(Random random)
    {
        // Box–Muller; 1 − U avoids log(0).
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public static double[] WhiteNoise(int frames, double sigma, int seed)
    {
        var random = new Random(seed);
        var x = new double[frames];
        for (var i = 0; i < x.Length; i++) x[i] = sigma * Gaussian(random);
        return x;
    }

    /// <summary>A sine whose whole-hertz frequency makes every second hold whole periods; phase by exact reduction.</summary>
    public static double Sine(double amplitude, int hz, int rate, long n) => amplitude * Math.Sin(2 * Math.PI * (hz * n % rate) / rate);

    /// <summary>
    /// Mono programme for seam tests: a steady tone, a speech-like buzz (125 Hz harmonics, syllable
    /// envelope, pauses), level steps, silence, noise, and full-scale clicks at the given frames.
    /// </summary>
    public static double[] Programme(int rate, double seconds, int seed, params long[] clicks)
    {
        var frames = (int)Math.Round(seconds * rate);
        var x = new double[frames];
        var random = new Random(seed);
        for (var n = 0; n < frames; n++)
        {
            var t = (double)n / rate;
            var noise = 0.01 * Gaussian(random) * (1 + 0.8 * Math.Sin(2 * Math.PI * 0.05 * t));
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 3.7 * t)) * (Math.Sin(2 * Math.PI * 0.11 * t) > -0.3 ? 1 : 0);
            double buzz = 0;
            for (var h = 1; h <= 12; h++) buzz += Sine(0.08 / h, 125 * h, rate, n);
            var tone = Sine(0.05, 1000, rate, n) * (t % 20 < 12 ? 1 : 0.01);
            var step = (t % 7.3) < 2.5 ? 3.0 : 1.0;
            var silent = (t % 23) is > 17 and < 18.5;
            x[n] = silent ? 0 : step * (noise + syllable * buzz + tone);
        }
        foreach (var c in clicks) x[c] = 0.99;
        return x;
    }

    /// <summary>Interleaves channels.</summary>
    public static double[] Interleave(params double[][] channels)
    {
        var frames = channels[0].Length;
        var x = new double[frames * channels.Length];
        for (var n = 0; n < frames; n++)
            for (var c = 0; c < channels.Length; c++) x[n * channels.Length + c] = channels[c][n];
        return x;
    }

    /// <summary>Channel c of interleaved audio.</summary>
    public static double[] Channel(double[] interleaved, int channels, int c)
    {
        var x = new double[interleaved.Length / channels];
        for (var n = 0; n < x.Length; n++) x[n] = interleaved[n * channels + c];
        return x;
    }

    /// <summary>Mean square of x[from..to).</summary>
    public static double Power(double[] x, int from, int to)
    {
        var sum = 0.0;
        for (var i = from; i < to; i++) sum += x[i] * x[i];
        return sum / (to - from);
    }

    /// <summary>Amplitude of the sinusoid at <paramref name="hz"/> in x[from..to) by projection (the span should hold whole periods).</summary>
    public static double ToneAmplitude(double[] x, int from, int to, int hz, int rate)
    {
        double c = 0, s = 0;
        for (var i = from; i < to; i++)
        {
            var phase = 2 * Math.PI * (hz * (long)i % rate) / rate;
            c += x[i] * Math.Cos(phase);
            s += x[i] * Math.Sin(phase);
        }
        return 2 * Math.Sqrt(c * c + s * s) / (to - from);
    }

    /// <summary>One whole-signal pass: analysis passes then Process over [0, N).</summary>
    public static double[] ProcessWhole(SpectralGate gate, double[] x, double[]? noiseClip = null)
    {
        var channels = gate.InputChannels;
        var total = x.Length / channels;
        var window = new SignalWindow(x, channels, 0, total);
        BinMaxima? maxima = null;
        NoiseProfile? noise = null;
        if (gate.Options.Mode == DenoiseMode.Stationary)
        {
            maxima = gate.MeasureMaxima(window, 0, total);
            if (noiseClip is null) noise = gate.MeasureNoise(window, 0, total, maxima);
            else
            {
                var clipFrames = noiseClip.Length / channels;
                var clip = new SignalWindow(noiseClip, channels, 0, clipFrames);
                noise = gate.MeasureNoise(clip, 0, clipFrames, gate.MeasureMaxima(clip, 0, clipFrames));
            }
        }
        var y = new double[total * gate.OutputChannels];
        gate.Process(window, 0, total, maxima, noise, y);
        return y;
    }
}
