namespace AudioGrains.Dsp;

/// <summary>
/// BS.1770 K-weighting of interleaved audio: the shelf and the RLB high-pass run back to back in one
/// loop per channel, state carried across calls, and the squares of the weighted output are summed on
/// the way. Nothing is written back: loudness needs only the energies.
/// </summary>
/// <remarks>
/// Both stages are the biquads of <see cref="BiquadCoefficients.KWeightingShelf"/> and
/// <see cref="BiquadCoefficients.KWeightingHighPass"/> evaluated in state-variable form (see
/// <see cref="StateVariableSection"/>), so a chunk warmed on 0.5 s of pre-roll reproduces the
/// whole-file output exactly rather than to within the direct form's 1e-13 rounding noise (which,
/// after a loud-to-quiet seam, put direct-form segment energies 2e-12 apart).
/// </remarks>
public sealed class KWeightingFilter
{
    private readonly StateVariableSection _shelf;
    private readonly StateVariableSection _highPass;
    private readonly int _channels;
    private readonly double[] _state; // per channel: shelf s1, s2; high-pass s1, s2

    public KWeightingFilter(int sampleRate, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        _shelf = StateVariableSection.KWeightingShelf(sampleRate);
        _highPass = StateVariableSection.KWeightingHighPass(sampleRate);
        _channels = channels;
        _state = new double[4 * channels];
    }

    public int Channels => _channels;

    /// <summary>Runs the filter state over audio that is not measured (pre-roll).</summary>
    public void Warm(ReadOnlySpan<double> interleaved)
    {
        for (var c = 0; c < _channels; c++) AccumulateSquares(interleaved, c, 0);
    }

    /// <summary>
    /// Filters channel <paramref name="channel"/> of the interleaved frames and returns
    /// <paramref name="sum"/> + Σ y². Adding to the caller's running sum one sample at a time keeps the
    /// result identical however the audio is split into calls.
    /// </summary>
    public double AccumulateSquares(ReadOnlySpan<double> interleaved, int channel, double sum)
    {
        var sh = _shelf;
        var hp = _highPass;
        double sa1 = sh.A1, sa2 = sh.A2, s2g = 2 * sh.G;
        // The shelf output Vh·high + Vb·k·band + low, with high = d − (g + k)·band and
        // low = s2 + g·band, folded into Vh·d + s2 + mix·band (the shelf's low weight is 1).
        double sHigh = sh.CHigh, sMix = sh.CBandK + sh.G - sh.CHigh * (sh.G + sh.K);
        double ha1 = hp.A1, ha2 = hp.A2, h2g = 2 * hp.G, hgk = hp.G + hp.K, hGain = hp.CHigh;
        var s = 4 * channel;
        double s1 = _state[s], s2 = _state[s + 1], h1 = _state[s + 2], h2 = _state[s + 3];
        var stride = _channels;
        for (var i = channel; i < interleaved.Length; i += stride)
        {
            var x = interleaved[i];

            // Shelf (StateVariableSection spells out the recurrence).
            var d = x - s2;
            var band = Math.FusedMultiplyAdd(sa2, d, sa1 * s1);
            var m = Math.FusedMultiplyAdd(sMix, band, Math.FusedMultiplyAdd(sHigh, d, s2));
            s1 = Math.FusedMultiplyAdd(2, band, -s1);
            s2 = Math.FusedMultiplyAdd(s2g, band, s2);

            // RLB high-pass: only its high output, scaled to the ITU numerator.
            var e = m - h2;
            var hBand = Math.FusedMultiplyAdd(ha2, e, ha1 * h1);
            var y = hGain * Math.FusedMultiplyAdd(-hgk, hBand, e);
            h1 = Math.FusedMultiplyAdd(2, hBand, -h1);
            h2 = Math.FusedMultiplyAdd(h2g, hBand, h2);

            sum = Math.FusedMultiplyAdd(y, y, sum);
        }
        _state[s] = s1;
        _state[s + 1] = s2;
        _state[s + 2] = h1;
        _state[s + 3] = h2;
        return sum;
    }

    public void Reset() => Array.Clear(_state);
}
