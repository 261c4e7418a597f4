namespace AudioGrains.Dsp.Tests;

/// <summary>Test signals built in code, streamed into meters in blocks so long signals stay cheap.</summary>
internal static class TestSignals
{
    /// <summary>A piece of a stepped sine: peak level in dBFS, length in seconds.</summary>
    public readonly record struct Step(double Dbfs, double Seconds);

    public static Step[] Steps(params (double Dbfs, double Seconds)[] steps)
        => [.. steps.Select(s => new Step(s.Dbfs, s.Seconds))];

    /// <summary>
    /// Feeds a phase-continuous sine whose peak amplitude is 10^(dBFS/20) in each step, the same on
    /// every channel, as EBU Tech 3341/3342 specify.
    /// </summary>
    public static void FeedSine(LoudnessMeter meter, int frequency, Step[] steps)
    {
        const int blockFrames = 4096;
        var channels = meter.Channels;
        var rate = meter.SampleRate;
        // One second holds a whole number of periods of a whole-hertz sine: tabulate it once.
        var second = new double[rate];
        for (var n = 0; n < rate; n++) second[n] = Math.Sin(2 * Math.PI * frequency * n / rate);
        var block = new double[blockFrames * channels];
        long position = 0;
        foreach (var step in steps)
        {
            var amplitude = Math.Pow(10, step.Dbfs / 20);
            var frames = (long)Math.Round(step.Seconds * rate);
            while (frames > 0)
            {
                var count = (int)Math.Min(blockFrames, frames);
                for (var i = 0; i < count; i++, position++)
                {
                    var x = amplitude * second[position % rate];
                    for (var c = 0; c < channels; c++) block[i * channels + c] = x;
                }
                meter.Add(block.AsSpan(0, count * channels));
                frames -= count;
            }
        }
    }

    public static LoudnessMeasurement MeasureSine(int sampleRate, int channels, int frequency, Step[] steps)
    {
        var meter = new LoudnessMeter(sampleRate, channels);
        FeedSine(meter, frequency, steps);
        return meter.Result();
    }

    /// <summary>
    /// Interleaved "programme-like" audio: seeded noise with a slow envelope, two tones, a quiet
    /// stretch, different content per channel, and full-scale clicks at the given frames.
    /// </summary>
    public static double[] Programme(int sampleRate, int channels, double seconds, int seed, params long[] clickFrames)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        var x = new double[frames * channels];
        var random = new Random(seed);
        for (var n = 0; n < frames; n++)
        {
            var t = (double)n / sampleRate;
            var envelope = 0.15 * (1.2 + Math.Sin(2 * Math.PI * 0.37 * t)); // 0.03 .. 0.33
            if (t > seconds * 0.6 && t < seconds * 0.7) envelope *= 0.01; // a quiet passage the gates see
            for (var c = 0; c < channels; c++)
            {
                var noise = random.NextDouble() * 2 - 1;
                var tone = 0.2 * Math.Sin(2 * Math.PI * (220 + 110 * c) * t) + 0.05 * Math.Sin(2 * Math.PI * 3150 * t + c);
                x[n * channels + c] = envelope * noise + tone * envelope * 2;
            }
        }
        foreach (var click in clickFrames)
            for (var c = 0; c < channels; c++) x[click * channels + c] = c % 2 == 0 ? 0.995 : -0.99;
        return x;
    }
}
