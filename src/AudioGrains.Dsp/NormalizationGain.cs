namespace AudioGrains.Dsp;

/// <summary>
/// One linear gain for the whole signal: the target loudness, capped so the true peak stays under
/// the ceiling. A single gain cannot create a seam and never changes the dynamics.
/// </summary>
public readonly record struct NormalizationGain(double GainDb, bool PeakLimited)
{
    public double Linear => Math.Pow(10, GainDb / 20);

    public static NormalizationGain Compute(double integratedLufs, double truePeakDbtp, double targetLufs, double ceilingDbtp)
    {
        // Silence (or shorter than one gating block) has no loudness to normalize.
        if (!double.IsFinite(integratedLufs)) return new NormalizationGain(0, false);
        var gain = targetLufs - integratedLufs;
        var limited = false;
        if (double.IsFinite(truePeakDbtp) && truePeakDbtp + gain > ceilingDbtp)
        {
            gain = ceilingDbtp - truePeakDbtp;
            limited = true;
        }
        // Quantized to 1e-6 dB: chunking changes loudness in the 12th decimal (IIR pre-roll), and
        // that must not change a single output bit.
        // A limited gain is rounded down so it cannot lift the peak over the ceiling.
        var quantized = limited ? Math.Floor(gain * 1e6) / 1e6 : Math.Round(gain, 6);
        return new NormalizationGain(quantized, limited);
    }
}
