namespace AudioGrains.Dsp;

/// <summary>
/// The frame grid of a centred STFT over a whole signal of N frames (librosa's center = true with
/// zero padding): frame m covers signal frames [m·hop − n/2, m·hop + n/2), so it is centred on
/// m·hop, and there are 1 + N / hop frames (integer division), the last centred on or just before N.
/// A range [start, end) of the signal owns the frames centred in it, and the range that ends at N
/// also owns a frame centred exactly on N: consecutive ranges own every frame exactly once.
/// </summary>
public readonly record struct StftGrid(int FftSize, int Hop, long TotalFrames)
{
    /// <summary>1 + TotalFrames / Hop.</summary>
    public long FrameCount => 1 + TotalFrames / Hop;

    public long LastFrame => TotalFrames / Hop;

    /// <summary>First signal frame covered by STFT frame <paramref name="m"/> (negative in the start padding).</summary>
    public long FrameStart(long m) => m * Hop - FftSize / 2;

    /// <summary>STFT frames centred in [start, end), the final one included when end is the signal's end; empty when first > last.</summary>
    public (long First, long Last) OwnedFrames(long start, long end)
    {
        var first = CeilDiv(start, Hop);
        var last = end >= TotalFrames ? LastFrame : CeilDiv(end, Hop) - 1;
        return (first, Math.Min(last, LastFrame));
    }

    /// <summary>STFT frames whose window overlaps signal frames [start, end), clipped to the grid.</summary>
    public (long First, long Last) FramesTouching(long start, long end)
    {
        // Frame m covers [m·hop − n/2, m·hop + n/2): it touches t when m·hop − n/2 <= t < m·hop + n/2.
        var first = Math.Max(0, FloorDiv(start - FftSize / 2, Hop) + 1);
        var last = Math.Min(LastFrame, FloorDiv(end - 1 + FftSize / 2, Hop));
        return (first, last);
    }

    internal static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    internal static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
