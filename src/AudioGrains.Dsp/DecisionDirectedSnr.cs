using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The a-posteriori and a-priori SNR of a frame, per bin, the latter by Ephraim and Malah's
/// decision-directed rule:
/// <code>
/// γ = |Y|² / λ
/// ξ = max(α·|Â_prev|² / λ + (1 − α)·max(γ − 1, 0), ξ_min)
/// </code>
/// |Â_prev|² is the previous frame's clean-speech power estimate (gain² · |Y_prev|²). α near 1 (0.98)
/// smooths ξ in noise, which is what keeps the residual noise from turning "musical"; ξ_min (−25 dB)
/// bounds how little speech the gain assumes.
/// </summary>
public static class DecisionDirectedSnr
{
    /// <summary>The largest a-posteriori SNR used (60 dB): beyond it the gain is 1 anyway, and float stays finite.</summary>
    public const float MaxPosteriori = 1e6f;

    /// <summary>
    /// <paramref name="posteriori"/> (γ) and <paramref name="priori"/> (ξ) from the frame's power, the
    /// current noise power and the previous clean-speech power. Spans of one length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Estimate(ReadOnlySpan<float> power, ReadOnlySpan<float> noise, ReadOnlySpan<float> previousClean,
        float weight, float minimumPriori, Span<float> priori, Span<float> posteriori)
    {
        SpeechPresenceNoiseTracker.CheckLengths(power.Length, noise.Length, previousClean.Length, priori.Length, posteriori.Length);
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rn = ref MemoryMarshal.GetReference(noise);
        ref var rc = ref MemoryMarshal.GetReference(previousClean);
        ref var rxi = ref MemoryMarshal.GetReference(priori);
        ref var rg = ref MemoryMarshal.GetReference(posteriori);
        var one = Vector<float>.One;
        var alpha = new Vector<float>(weight);
        var rest = new Vector<float>(1 - weight);
        var min = new Vector<float>(minimumPriori);
        var max = new Vector<float>(MaxPosteriori);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
        {
            var inverse = one / Vector.LoadUnsafe(ref rn, (nuint)k);
            var gamma = Vector.Min(Vector.LoadUnsafe(ref rp, (nuint)k) * inverse, max);
            var xi = alpha * (Vector.LoadUnsafe(ref rc, (nuint)k) * inverse) + rest * Vector.Max(gamma - one, Vector<float>.Zero);
            gamma.StoreUnsafe(ref rg, (nuint)k);
            Vector.Max(xi, min).StoreUnsafe(ref rxi, (nuint)k);
        }
    }
}
