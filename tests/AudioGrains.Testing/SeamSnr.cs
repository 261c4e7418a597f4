namespace AudioGrains.Testing;

/// <summary>
/// SNR of a chunked result against a whole-file result, by distance to the nearest seam
/// (0–10 ms, 10–100 ms, 0.1–1 s, > 1 s): where chunking errors would show first.
/// </summary>
public static class SeamSnr
{
    public static readonly (string Name, double From, double To)[] Bins =
        [("0-10ms", 0, 0.010), ("10-100ms", 0.010, 0.100), ("0.1-1s", 0.100, 1.0), (">1s", 1.0, double.PositiveInfinity)];

    public static Dictionary<string, double> ByDistance(float[] reference, float[] chunked, int sampleRate, long chunkFrames)
    {
        var signal = new double[Bins.Length];
        var error = new double[Bins.Length];
        for (long n = 0; n < reference.Length; n++)
        {
            var offset = n % chunkFrames;
            var distance = Math.Min(offset, chunkFrames - offset) / (double)sampleRate;
            if (n < chunkFrames) distance = (chunkFrames - n) / (double)sampleRate; // the first chunk has no seam before it
            var bin = Array.FindIndex(Bins, b => distance >= b.From && distance < b.To);
            signal[bin] += (double)reference[n] * reference[n];
            var d = (double)reference[n] - chunked[n];
            error[bin] += d * d;
        }
        var result = new Dictionary<string, double>();
        for (var i = 0; i < Bins.Length; i++)
            result[Bins[i].Name] = error[i] == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal[i] / error[i]);
        return result;
    }
}
