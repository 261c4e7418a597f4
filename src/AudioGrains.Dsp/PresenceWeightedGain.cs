using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// OM-LSA's combination of the gain under speech presence with the floor under absence (Cohen and
/// Berdugo 2001): G = G_H1^p · G_min^(1 − p), with p the speech presence probability of the bin,
/// computed as exp(p·ln G_H1 + (1 − p)·ln G_min): one logarithm and one exponential per bin.
/// </summary>
public static class PresenceWeightedGain
{
    /// <summary><paramref name="gain"/> from <paramref name="presentGain"/> (G_H1, within [floor, 1]) and <paramref name="presence"/> (p). Spans of one length, a multiple of Vector&lt;float&gt;.Count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> presentGain, ReadOnlySpan<float> presence, float floor, Span<float> gain)
    {
        SpeechPresenceNoiseTracker.CheckLengths(presentGain.Length, presence.Length, gain.Length);
        ref var rg = ref MemoryMarshal.GetReference(presentGain);
        ref var rp = ref MemoryMarshal.GetReference(presence);
        ref var rt = ref MemoryMarshal.GetReference(gain);
        var logFloor = new Vector<float>(MathF.Log(floor));
        for (var k = 0; k < gain.Length; k += Vector<float>.Count)
        {
            var p = Vector.LoadUnsafe(ref rp, (nuint)k);
            var logGain = Vector.Log(Vector.LoadUnsafe(ref rg, (nuint)k));
            Vector.Exp(p * logGain + (Vector<float>.One - p) * logFloor).StoreUnsafe(ref rt, (nuint)k);
        }
    }
}
