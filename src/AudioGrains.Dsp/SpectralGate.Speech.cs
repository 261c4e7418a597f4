using System.Runtime.CompilerServices;
using static AudioGrains.Dsp.ComplexBins; // Power and AddPower, unqualified as they were when this code lived in SpectralGate.cs

namespace AudioGrains.Dsp;

/// <summary>
/// The speech mode's driver: runs the <see cref="SpeechEnhancer"/> over the STFT frames of
/// <see cref="Process"/>. Its gains are the frame's mask as they come (no Strength, no mask smoothing).
/// </summary>
public sealed partial class SpectralGate
{
    private readonly SpeechEnhancer? _speech;
    private readonly float[] _power = [], _speechGain = []; // speech: one channel's |X|² and gains, padded
    private readonly double[] _initial;                     // [output channel][bin]: the power sums of a run's initial noise frames

    /// <summary>
    /// Speech: starts the estimator's run at frame <paramref name="first"/> (the noise from the mean
    /// power of its first frames) and steps it through the frames before <paramref name="until"/>,
    /// whose gains are not needed; <see cref="FillRing"/> steps it on from there. A run that starts at
    /// frame 0 is the whole-signal run; a chunk's starts ContextFrames earlier and has forgotten that by its first frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunSpeechUpTo(SignalWindow window, StftGrid grid, long first, long until)
    {
        var speech = _speech!;
        var initialLast = Math.Min(first + _options.Speech.InitialNoiseFrames - 1, grid.LastFrame);
        var count = (int)(initialLast - first + 1);
        var sums = _initial;
        Array.Clear(sums);
        for (var m = first; m <= initialLast; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++) AddPower(SlotRe(0, c), SlotIm(0, c), sums.AsSpan(c * _bins, _bins));
        }
        for (var c = 0; c < _outputChannels; c++)
        {
            _power.AsSpan().Clear();
            for (var k = 0; k < _bins; k++) _power[k] = (float)(sums[c * _bins + k] / count);
            speech.Begin(c, _power);
        }
        for (var m = first; m < until; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++)
            {
                Power(SlotRe(0, c), SlotIm(0, c), _power);
                speech.Step(c, m, _power, _speechGain, until - m);
            }
        }
    }

    /// <summary>Speech: one estimator step on frame <paramref name="m"/>'s spectrum in ring slot <paramref name="slot"/>, its gains into the slot's mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SpeechStep(long m, int slot, int c)
    {
        Power(SlotRe(slot, c), SlotIm(slot, c), _power);
        _speech!.Step(c, m, _power, _speechGain);
        var mask = SlotMask(slot, c);
        for (var k = 0; k < mask.Length; k++) mask[k] = _speechGain[k];
    }
}
