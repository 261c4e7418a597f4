using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Noise power tracking by speech presence probability (Gerkmann and Hendriks, "Unbiased MMSE-based
/// noise power estimation with low complexity and low tracking delay", 2012). Per bin, with the
/// previous noise power λ and the frame's power |Y|²:
/// <code>
/// P(H1|y) = 1 / (1 + P(H0)/P(H1) · (1 + ξ_H1) · exp(−|Y|²/λ · ξ_H1/(1 + ξ_H1)))
/// p̄      = s·p̄ + (1 − s)·P(H1|y);   P(H1|y) ≤ limit while p̄ > limit   (no stagnation)
/// E|N|²   = (1 − P(H1|y))·|Y|² + P(H1|y)·λ
/// λ       = β·λ + (1 − β)·E|N|²
/// </code>
/// ξ_H1 is a fixed a-priori SNR for frames with speech (15 dB), which makes the estimate unbiased
/// without a bias correction; β = 0.8 and s = 0.9 per frame. The noise power keeps a floor so that
/// digital silence does not divide by zero.
/// </summary>
public static class SpeechPresenceNoiseTracker
{
    /// <summary>The lowest noise power kept, in the gate's spectrum units (|X|² of a full-scale sine is 1/4): −200 dB.</summary>
    public const float NoiseFloor = 1e-20f;

    /// <summary>The tracker's constants, derived once from the options.</summary>
    public readonly record struct Constants(float LikelihoodScale, float LikelihoodExponent, float NoiseSmoothing, float PresenceSmoothing, float StagnationLimit)
    {
        /// <summary>The constants for frames every <paramref name="frameSeconds"/> (the smoothing weights keep their time constants).</summary>
        public static Constants From(SpeechEnhancerOptions options, double frameSeconds = SpeechEnhancerOptions.ReferenceFrameSeconds)
        {
            var xi = Math.Pow(10, options.PresenceSnrDb / 10);
            var steps = frameSeconds / SpeechEnhancerOptions.ReferenceFrameSeconds;
            return new Constants(
                (float)((1 - options.PresencePrior) / options.PresencePrior * (1 + xi)),
                (float)(xi / (1 + xi)),
                (float)Math.Pow(options.NoiseSmoothing, steps),
                (float)Math.Pow(options.PresenceSmoothing, steps),
                (float)options.StagnationLimit);
        }
    }

    /// <summary>
    /// One frame: updates <paramref name="noise"/> (λ) and <paramref name="smoothedPresence"/> (p̄) in place
    /// from <paramref name="power"/> (|Y|²), and gives each bin's P(H1|y) (after the stagnation cap) in
    /// <paramref name="presenceOut"/>. Every span has the same length, a multiple of Vector&lt;float&gt;.Count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update(ReadOnlySpan<float> power, Span<float> noise, Span<float> smoothedPresence, Span<float> presenceOut, in Constants c)
    {
        CheckLengths(power.Length, noise.Length, smoothedPresence.Length, presenceOut.Length);
        ref var ro = ref MemoryMarshal.GetReference(presenceOut);
        ref var rp = ref MemoryMarshal.GetReference(power);
        ref var rn = ref MemoryMarshal.GetReference(noise);
        ref var rs = ref MemoryMarshal.GetReference(smoothedPresence);
        var one = Vector<float>.One;
        var scale = new Vector<float>(c.LikelihoodScale);
        var exponent = new Vector<float>(-c.LikelihoodExponent);
        var beta = new Vector<float>(c.NoiseSmoothing);
        var s = new Vector<float>(c.PresenceSmoothing);
        var limit = new Vector<float>(c.StagnationLimit);
        var floor = new Vector<float>(NoiseFloor);
        for (var k = 0; k < power.Length; k += Vector<float>.Count)
        {
            var y = Vector.LoadUnsafe(ref rp, (nuint)k);
            var lambda = Vector.LoadUnsafe(ref rn, (nuint)k);
            var presence = one / (one + scale * Vector.Exp(exponent * (y / lambda)));
            var smoothed = s * Vector.LoadUnsafe(ref rs, (nuint)k) + (one - s) * presence;
            presence = Vector.ConditionalSelect(Vector.GreaterThan(smoothed, limit), Vector.Min(presence, limit), presence);
            var expected = (one - presence) * y + presence * lambda;
            Vector.Max(beta * lambda + (one - beta) * expected, floor).StoreUnsafe(ref rn, (nuint)k);
            smoothed.StoreUnsafe(ref rs, (nuint)k);
            presence.StoreUnsafe(ref ro, (nuint)k);
        }
    }

    internal static void CheckLengths(int length, params ReadOnlySpan<int> others)
    {
        if (length % Vector<float>.Count != 0)
            throw new ArgumentException($"Bin spans must hold a multiple of {Vector<float>.Count} values (pad them), got {length}.");
        foreach (var other in others)
            if (other != length) throw new ArgumentException($"Bin spans must have the same length: {length} and {other}.");
    }
}
