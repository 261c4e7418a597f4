namespace AudioGrains.Dsp;

/// <summary>
/// The BS.1770-4 Annex 2 interpolator: 4× oversampling by a 48-tap FIR split into 4 phases of 12 taps.
/// Phase p at input n is Σ_i h_p[i]·x[n − i]; phase 2 is phase 1 reversed and phase 3 phase 0 reversed,
/// so the set of phases is the same whichever way round the taps are read.
/// </summary>
public static class TruePeakFilter
{
    public const int Phases = 4;
    public const int TapsPerPhase = 12;

    /// <summary>Past inputs an output needs besides the current one: the history a chunk must be primed with.</summary>
    public const int History = TapsPerPhase - 1;

    private static readonly double[] Phase0 =
    [
        0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
        0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500,
    ];

    private static readonly double[] Phase1 =
    [
        -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
        0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375,
    ];

    /// <summary>Tap i of phase p.</summary>
    public static double Tap(int phase, int i) => phase switch
    {
        0 => Phase0[i],
        1 => Phase1[i],
        2 => Phase1[TapsPerPhase - 1 - i],
        3 => Phase0[TapsPerPhase - 1 - i],
        _ => throw new ArgumentOutOfRangeException(nameof(phase)),
    };

    /// <summary>The largest Σ_i |h_p[i]| over the phases (2.02): no phase output exceeds it times the largest |x| under its taps.</summary>
    public static double LargestAbsolutePhaseSum()
    {
        var largest = 0.0;
        for (var p = 0; p < Phases; p++)
        {
            var sum = 0.0;
            for (var i = 0; i < TapsPerPhase; i++) sum += Math.Abs(Tap(p, i));
            largest = Math.Max(largest, sum);
        }
        return largest;
    }
}
