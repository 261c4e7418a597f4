namespace AudioGrains.Dsp;

/// <summary>
/// Integrated loudness (BS.1770-4 §2.8) from per-segment energy sums S_k = Σ_c G_c Σ_n y_c[n]².
/// Block j covers segments j..j+3, z_j = (S_j + … + S_{j+3}) / (4·segmentLength); only whole blocks
/// count. Absolute gate −70 LUFS, then a relative gate 10 LU below the loudness of the mean of the
/// blocks that passed it; the result is the loudness of the mean of the blocks passing both.
/// </summary>
public static class GatedLoudness
{
    public const double AbsoluteGateLufs = -70;
    public const double RelativeGateLu = -10;

    /// <returns>LUFS, or −∞ when no block passes (silence, or less than 400 ms).</returns>
    public static double Integrated(ReadOnlySpan<double> segmentEnergies, int segmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentLength, 1);
        var blocks = segmentEnergies.Length - (LoudnessSegments.PerBlock - 1);
        if (blocks <= 0) return double.NegativeInfinity;

        var samplesPerBlock = (double)LoudnessSegments.PerBlock * segmentLength;
        var absoluteGate = BlockLoudness.ToEnergy(AbsoluteGateLufs);

        var passed = new NeumaierSum();
        var count = 0;
        for (var j = 0; j < blocks; j++)
        {
            var z = BlockEnergy(segmentEnergies, j, samplesPerBlock);
            if (z > absoluteGate)
            {
                passed.Add(z);
                count++;
            }
        }
        if (count == 0) return double.NegativeInfinity;

        // −10 LU relative to the loudness of the mean is the mean energy times 10^(−10/10).
        var relativeGate = Math.Max(absoluteGate, passed.Value / count * Math.Pow(10, RelativeGateLu / 10));
        var gated = new NeumaierSum();
        var gatedCount = 0;
        for (var j = 0; j < blocks; j++)
        {
            var z = BlockEnergy(segmentEnergies, j, samplesPerBlock);
            if (z > relativeGate)
            {
                gated.Add(z);
                gatedCount++;
            }
        }
        return gatedCount == 0 ? double.NegativeInfinity : BlockLoudness.FromEnergy(gated.Value / gatedCount);
    }

    // Recomputed from the four segments each time (not a sliding sum) so no rounding drifts over hours.
    private static double BlockEnergy(ReadOnlySpan<double> s, int j, double samplesPerBlock)
        => (s[j] + s[j + 1] + s[j + 2] + s[j + 3]) / samplesPerBlock;
}
