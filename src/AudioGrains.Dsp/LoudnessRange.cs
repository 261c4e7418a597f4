namespace AudioGrains.Dsp;

/// <summary>
/// Loudness range, EBU Tech 3342, from per-segment energy sums: short-term windows of 3 s
/// (30 segments) at a hop of one segment (10 Hz), absolute gate −70 LUFS, relative gate 20 LU below
/// the loudness of the mean of the absolutely gated windows, then the 95th minus the 10th percentile
/// of the remaining short-term loudness values.
/// </summary>
/// <remarks>
/// Percentile rule (the one libebur128 uses): sort the n gated values ascending and take the element
/// at index ⌊(n − 1)·p + 0.5⌋, i.e. nearest rank on the (n − 1) scale; no interpolation. Values are
/// sorted as energies (same order as loudness) and only the two chosen ones are turned into LUFS.
/// </remarks>
public static class LoudnessRange
{
    public const double AbsoluteGateLufs = -70;
    public const double RelativeGateLu = -20;
    public const double LowPercentile = 0.10;
    public const double HighPercentile = 0.95;

    /// <returns>LU; 0 when shorter than one 3 s window or when nothing passes the gates.</returns>
    public static double Compute(ReadOnlySpan<double> segmentEnergies, int segmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentLength, 1);
        const int span = LoudnessSegments.PerShortTermWindow;
        var windows = segmentEnergies.Length - (span - 1);
        if (windows <= 0) return 0;

        var samplesPerWindow = (double)span * segmentLength;
        var absoluteGate = BlockLoudness.ToEnergy(AbsoluteGateLufs);
        var energies = new double[windows];
        var count = 0;
        var sum = new NeumaierSum();
        for (var j = 0; j < windows; j++)
        {
            // Summed afresh per window so every window's value is independent of the ones before it.
            var s = 0.0;
            for (var k = j; k < j + span; k++) s += segmentEnergies[k];
            var z = s / samplesPerWindow;
            if (z > absoluteGate)
            {
                energies[count++] = z;
                sum.Add(z);
            }
        }
        if (count == 0) return 0;

        var relativeGate = sum.Value / count * Math.Pow(10, RelativeGateLu / 10);
        var kept = 0;
        for (var i = 0; i < count; i++)
            if (energies[i] > relativeGate) energies[kept++] = energies[i];
        if (kept == 0) return 0;

        var gated = energies.AsSpan(0, kept);
        gated.Sort();
        var low = gated[PercentileIndex(kept, LowPercentile)];
        var high = gated[PercentileIndex(kept, HighPercentile)];
        return BlockLoudness.FromEnergy(high) - BlockLoudness.FromEnergy(low);
    }

    private static int PercentileIndex(int n, double p) => (int)((n - 1) * p + 0.5);
}
