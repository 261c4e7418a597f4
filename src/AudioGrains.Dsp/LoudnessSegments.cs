namespace AudioGrains.Dsp;

/// <summary>
/// The 100 ms segment: the unit of everything gated. A 400 ms block is 4 segments (75 % overlap at a
/// 100 ms hop) and a 3 s short-term window is 30, so per-segment energy sums are all a chunk needs to
/// return for integrated loudness and loudness range to be computed exactly afterwards.
/// </summary>
public static class LoudnessSegments
{
    /// <summary>Samples per channel in one 100 ms segment, rounded to nearest: 4800 at 48 kHz, 4410 at 44.1 kHz, 1600 at 16 kHz.</summary>
    public static int Length(int sampleRate) => (sampleRate + 5) / 10;

    public const int PerBlock = 4;
    public const int PerShortTermWindow = 30;
}
