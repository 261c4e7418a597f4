using System.Runtime.CompilerServices;
namespace AudioGrains.Dsp;

/// <summary>
/// Second-order Butterworth high-pass on interleaved audio, in place, one state per channel carried
/// across calls. The transfer function is <see cref="BiquadCoefficients.ButterworthHighPass"/>; it is
/// evaluated in state-variable form (see <see cref="StateVariableSection"/>) because low corners put
/// the poles near z = 1, where the direct form's rounding noise would keep a chunk warmed on pre-roll
/// from ever matching the whole-file output exactly. Warmed on 0.5 s, chunks match to the last bit
/// in practice; an 80 Hz corner at 16 kHz forgets its start to 1e-16 within about 0.1 s.
/// </summary>
public sealed class HighPassFilter
{
    private readonly StateVariableSection _section;
    private readonly int _channels;
    private readonly double[] _state; // per channel: s1, s2

    public HighPassFilter(int sampleRate, int channels, double cutoffHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Coefficients = BiquadCoefficients.ButterworthHighPass(sampleRate, cutoffHz); // validates the cutoff
        _section = StateVariableSection.ButterworthHighPass(sampleRate, cutoffHz);
        _channels = channels;
        _state = new double[2 * channels];
    }

    /// <summary>The same filter as a biquad, for analysis (frequency response).</summary>
    public BiquadCoefficients Coefficients { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(Span<double> interleaved)
    {
        if (interleaved.Length % _channels != 0)
            throw new ArgumentException("Interleaved audio must hold whole frames.", nameof(interleaved));
        double a1 = _section.A1, a2 = _section.A2, twoG = 2 * _section.G, gk = _section.G + _section.K;
        for (var ch = 0; ch < _channels; ch++)
        {
            // State in locals for the whole run of one channel; StateVariableSection spells out the recurrence.
            double s1 = _state[2 * ch], s2 = _state[2 * ch + 1];
            for (var i = ch; i < interleaved.Length; i += _channels)
            {
                var d = interleaved[i] - s2;
                var band = Math.FusedMultiplyAdd(a2, d, a1 * s1);
                interleaved[i] = Math.FusedMultiplyAdd(-gk, band, d);
                s1 = Math.FusedMultiplyAdd(2, band, -s1);
                s2 = Math.FusedMultiplyAdd(twoG, band, s2);
            }
            _state[2 * ch] = s1;
            _state[2 * ch + 1] = s2;
        }
    }

    public void Reset() => Array.Clear(_state);
}
