namespace AudioGrains.Dsp;

/// <summary>
/// Per-bin centre estimate of a stereo STFT frame, in the manner of ffmpeg's dialoguenhance: the
/// mid signal (L + R)/2 weighted by how alike the two channels are in that bin,
/// g = max(0, 1 − |L − R| / |L + R|). A source panned to the centre (L = R) gives g = 1 and passes
/// unchanged; a source in one channel only gives |L − R| = |L + R|, g = 0, and is removed; a source
/// panned part way is reduced in between. Works frame by frame, so it needs no context beyond the
/// STFT's own.
/// </summary>
public static class CentreExtraction
{
    /// <summary>Centre spectrum of one frame from the left and right spectra (split real/imaginary parts).</summary>
    public static void Apply(
        ReadOnlySpan<double> leftRe, ReadOnlySpan<double> leftIm,
        ReadOnlySpan<double> rightRe, ReadOnlySpan<double> rightIm,
        Span<double> centreRe, Span<double> centreIm)
    {
        for (var k = 0; k < centreRe.Length; k++)
        {
            double sr = leftRe[k] + rightRe[k], si = leftIm[k] + rightIm[k];
            double dr = leftRe[k] - rightRe[k], di = leftIm[k] - rightIm[k];
            var sum2 = sr * sr + si * si;
            var diff2 = dr * dr + di * di;
            // g = 1 − |L−R|/|L+R| clipped at 0; silence in both (sum2 = 0) gives 0.
            var g = sum2 > diff2 ? 1 - Math.Sqrt(diff2 / sum2) : 0;
            centreRe[k] = 0.5 * g * sr;
            centreIm[k] = 0.5 * g * si;
        }
    }
}
