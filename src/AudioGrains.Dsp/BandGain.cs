using System.Runtime.CompilerServices;
namespace AudioGrains.Dsp;

/// <summary>
/// Per-bin gain of the voice band-pass (DSP.md §5): 1 inside [low, high], 0 outside, with a
/// raised-cosine transition of <see cref="TransitionHz"/> centred on each edge (widened to two bins
/// when bins are coarser than that). Half of the transition lies inside the band: at 80 Hz the gain
/// is 0.5, reaching 1 at 105 Hz and 0 at 55 Hz. A Hann frame's main lobe is 4 bins wide, so a sharper
/// edge would gain nothing; at 16 kHz with n_fft 1024 a 40 Hz rumble and 7.8–8 kHz hiss lose more
/// than 30 dB while 150–3400 Hz is untouched.
/// </summary>
public static class BandGain
{
    /// <summary>Width of each raised-cosine edge.</summary>
    public const double TransitionHz = 50;

    /// <summary>Gains of bins 0..n/2 (bin k at k·sr/n Hz); a null edge is no limit on that side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Compute(int sampleRate, int fftSize, double? lowHz, double? highHz)
    {
        var bins = fftSize / 2 + 1;
        var binHz = (double)sampleRate / fftSize;
        var width = Math.Max(TransitionHz, 2 * binHz);
        var gains = new double[bins];
        for (var k = 0; k < bins; k++)
        {
            var f = k * binHz;
            var g = 1.0;
            if (lowHz is { } low) g *= Rise(f, low, width);
            if (highHz is { } high) g *= Rise(-f, -high, width);
            gains[k] = g;
        }
        return gains;
    }

    // 0 below edge − width/2, 1 above edge + width/2, sin² in between.
    private static double Rise(double f, double edge, double width)
    {
        var x = (f - edge) / width + 0.5;
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var s = Math.Sin(0.5 * Math.PI * x);
        return s * s;
    }
}
