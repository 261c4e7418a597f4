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
/// whole-file output exactly rather than to within the direct form's 1e-13 rounding noise.
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
        double sa1 = _shelf.A1, sa2 = _shelf.A2, sa3 = _shelf.A3, sk = _shelf.K;
        double sHigh = _shelf.CHigh, sBand = _shelf.CBandK, sLow = _shelf.CLow;
        double ha1 = _highPass.A1, ha2 = _highPass.A2, ha3 = _highPass.A3, hk = _highPass.K, hGain = _highPass.CHigh;
        var s = 4 * channel;
        double s1 = _state[s], s2 = _state[s + 1], h1 = _state[s + 2], h2 = _state[s + 3];
        var stride = _channels;
        for (var i = channel; i < interleaved.Length; i += stride)
        {
            var x = interleaved[i];

            var v3 = x - s2;
            var v1 = sa1 * s1 + sa2 * v3;
            var v2 = s2 + sa2 * s1 + sa3 * v3;
            s1 = 2 * v1 - s1;
            s2 = 2 * v2 - s2;
            var m = sHigh * (x - sk * v1 - v2) + sBand * v1 + sLow * v2;

            var w3 = m - h2;
            var w1 = ha1 * h1 + ha2 * w3;
            var w2 = h2 + ha2 * h1 + ha3 * w3;
            h1 = 2 * w1 - h1;
            h2 = 2 * w2 - h2;
            var y = hGain * (m - hk * w1 - w2);

            sum += y * y;
        }
        _state[s] = s1;
        _state[s + 1] = s2;
        _state[s + 2] = h1;
        _state[s + 3] = h2;
        return sum;
    }

    public void Reset() => Array.Clear(_state);
}
