namespace AudioGrains.Bench;

/// <summary>A speech-like test signal: a 125 Hz buzz with 12 harmonics under a syllable envelope with pauses, over noise.</summary>
internal static class SpeechLike
{
    public static double[] Generate(int rate, long frames, int seed)
    {
        var x = new double[frames];
        var random = new Random(seed);
        // One second of buzz tabulated (whole periods), then reused.
        var buzz = new double[rate];
        for (var n = 0; n < rate; n++)
            for (var h = 1; h <= 12; h++) buzz[n] += 0.08 / h * Math.Sin(2 * Math.PI * (125L * h * n % rate) / rate);
        for (long n = 0; n < frames; n++)
        {
            var t = (double)n / rate;
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 3.7 * t)) * ((t % 11) < 8 ? 1 : 0);
            x[n] = syllable * buzz[n % rate] + 0.01 * (random.NextDouble() * 2 - 1);
        }
        return x;
    }
}
