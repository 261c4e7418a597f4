using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The MMSE log-spectral amplitude gain (Ephraim and Malah, 1985): the gain that minimises the mean
/// squared error of the log amplitude of speech in Gaussian noise, given the a-priori SNR ξ and the
/// a-posteriori SNR γ of a bin:
/// <code>
/// v = ξ/(1 + ξ) · γ
/// G = ξ/(1 + ξ) · exp(½·E1(v))
/// </code>
/// then held within [floor, 1]. E1 is <see cref="ExponentialIntegral"/>'s approximation.
/// </summary>
public static class LogSpectralAmplitudeGain
{
    /// <summary>The smallest v evaluated (E1 grows as −ln v; the gain is then capped at 1 anyway).</summary>
    public const float MinV = 1e-30f;

    /// <summary>Gains of one frame. Spans of one length, a multiple of Vector&lt;float&gt;.Count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> priori, ReadOnlySpan<float> posteriori, float floor, Span<float> gain)
    {
        SpeechPresenceNoiseTracker.CheckLengths(priori.Length, posteriori.Length, gain.Length);
        ref var rxi = ref MemoryMarshal.GetReference(priori);
        ref var rg = ref MemoryMarshal.GetReference(posteriori);
        ref var rt = ref MemoryMarshal.GetReference(gain);
        var one = Vector<float>.One;
        var half = new Vector<float>(0.5f);
        var minV = new Vector<float>(MinV);
        var low = new Vector<float>(floor);
        for (var k = 0; k < gain.Length; k += Vector<float>.Count)
        {
            var xi = Vector.LoadUnsafe(ref rxi, (nuint)k);
            var wiener = xi / (one + xi);
            var v = Vector.Max(wiener * Vector.LoadUnsafe(ref rg, (nuint)k), minV);
            var g = wiener * Vector.Exp(half * ExponentialIntegral.E1(v));
            Vector.Min(Vector.Max(g, low), one).StoreUnsafe(ref rt, (nuint)k);
        }
    }
}
