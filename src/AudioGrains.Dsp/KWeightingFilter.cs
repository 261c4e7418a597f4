using System.Runtime.CompilerServices;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Warm(ReadOnlySpan<double> interleaved)
    {
        var c = 0;
        for (; c + 1 < _channels; c += 2) AccumulateSquaresPair(interleaved, c, 0, 0);
        for (; c < _channels; c++) AccumulateSquares(interleaved, c, 0);
    }

    /// <summary>
    /// Filters channel <paramref name="channel"/> of the interleaved frames and returns
    /// <paramref name="sum"/> + Σ y². Adding to the caller's running sum one sample at a time keeps the
    /// result identical however the audio is split into calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// <see cref="AccumulateSquares"/> for channels <paramref name="channel"/> and <paramref name="channel"/> + 1 in one
    /// loop: the same operations per channel in the same order (identical results), but two independent
    /// recurrences side by side, so the processor overlaps their latencies (about twice the throughput of two passes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double First, double Second) AccumulateSquaresPair(ReadOnlySpan<double> interleaved, int channel, double sumA, double sumB)
    {
        var sh = _shelf;
        var hp = _highPass;
        double sa1 = sh.A1, sa2 = sh.A2, s2g = 2 * sh.G;
        double sHigh = sh.CHigh, sMix = sh.CBandK + sh.G - sh.CHigh * (sh.G + sh.K);
        double ha1 = hp.A1, ha2 = hp.A2, h2g = 2 * hp.G, hgk = hp.G + hp.K, hGain = hp.CHigh;
        var s = 4 * channel;
        double as1 = _state[s], as2 = _state[s + 1], ah1 = _state[s + 2], ah2 = _state[s + 3];
        double bs1 = _state[s + 4], bs2 = _state[s + 5], bh1 = _state[s + 6], bh2 = _state[s + 7];
        var stride = _channels;
        for (var i = channel; i + 1 < interleaved.Length; i += stride)
        {
            var xa = interleaved[i];
            var xb = interleaved[i + 1];

            var da = xa - as2;
            var db = xb - bs2;
            var banda = Math.FusedMultiplyAdd(sa2, da, sa1 * as1);
            var bandb = Math.FusedMultiplyAdd(sa2, db, sa1 * bs1);
            var ma = Math.FusedMultiplyAdd(sMix, banda, Math.FusedMultiplyAdd(sHigh, da, as2));
            var mb = Math.FusedMultiplyAdd(sMix, bandb, Math.FusedMultiplyAdd(sHigh, db, bs2));
            as1 = Math.FusedMultiplyAdd(2, banda, -as1);
            bs1 = Math.FusedMultiplyAdd(2, bandb, -bs1);
            as2 = Math.FusedMultiplyAdd(s2g, banda, as2);
            bs2 = Math.FusedMultiplyAdd(s2g, bandb, bs2);

            var ea = ma - ah2;
            var eb = mb - bh2;
            var hBanda = Math.FusedMultiplyAdd(ha2, ea, ha1 * ah1);
            var hBandb = Math.FusedMultiplyAdd(ha2, eb, ha1 * bh1);
            var ya = hGain * Math.FusedMultiplyAdd(-hgk, hBanda, ea);
            var yb = hGain * Math.FusedMultiplyAdd(-hgk, hBandb, eb);
            ah1 = Math.FusedMultiplyAdd(2, hBanda, -ah1);
            bh1 = Math.FusedMultiplyAdd(2, hBandb, -bh1);
            ah2 = Math.FusedMultiplyAdd(h2g, hBanda, ah2);
            bh2 = Math.FusedMultiplyAdd(h2g, hBandb, bh2);

            sumA = Math.FusedMultiplyAdd(ya, ya, sumA);
            sumB = Math.FusedMultiplyAdd(yb, yb, sumB);
        }
        _state[s] = as1;
        _state[s + 1] = as2;
        _state[s + 2] = ah1;
        _state[s + 3] = ah2;
        _state[s + 4] = bs1;
        _state[s + 5] = bs2;
        _state[s + 6] = bh1;
        _state[s + 7] = bh2;
        return (sumA, sumB);
    }

    public void Reset() => Array.Clear(_state);
}
