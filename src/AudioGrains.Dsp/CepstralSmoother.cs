using System.Numerics;
using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Selective cepstro-temporal smoothing of a power spectrum (Breithaupt, Gerkmann and Martin, ICASSP 2008,
/// "A novel a priori SNR estimation approach based on selective cepstro-temporal smoothing"): the log of the
/// spectrum goes to the cepstrum, each quefrency is smoothed along time with its own weight (little at the
/// low quefrencies, the spectral envelope; little at the cepstral peak of the pitch, searched per frame in the
/// F0 range; much elsewhere, the fine structure that noise makes), and back. Speech's envelope and harmonics
/// follow the frame; isolated spectral peaks (residual noise) are averaged away.
/// </summary>
/// <remarks>
/// The log spectrum of bins 0..n/2 is real and even, so its cepstrum is real and even too: both ways are one real
/// FFT of size n of the even extension (a DCT-I), scaled by 1/n on the way in. One state per channel; frames in order.
/// </remarks>
public sealed class CepstralSmoother
{
    private readonly RealFft _fft;
    private readonly int _bins, _n;
    private readonly int _envelopeLast, _pitchFirst, _pitchLast, _pitchHalfWidth;
    private readonly double _envelopeWeight, _pitchWeight, _weight, _pitchThreshold, _bias;
    private readonly double[] _state, _even, _re, _im, _cepstrum;
    private readonly float[] _log;                                            // padded to whole vectors
    private bool _started;

    /// <param name="bins">Bins per frame, n/2 + 1 (n a power of two).</param>
    /// <param name="sampleRate">The signal's sample rate: quefrency q is q / rate seconds.</param>
    /// <param name="frameSeconds">Time between frames; the per-frame weights are scaled to it.</param>
    public CepstralSmoother(SpeechEnhancerOptions options, int bins, double sampleRate, double frameSeconds)
    {
        _bins = bins;
        _n = 2 * (bins - 1);
        _fft = new RealFft(_n);
        var steps = frameSeconds / SpeechEnhancerOptions.ReferenceFrameSeconds;
        _envelopeLast = Math.Min((int)Math.Round(options.CepstralEnvelopeMs / 1000 * sampleRate), bins - 1);
        _pitchFirst = Math.Min((int)Math.Floor(sampleRate / options.CepstralPitchMaxHz), bins - 1);
        _pitchLast = Math.Min((int)Math.Ceiling(sampleRate / options.CepstralPitchMinHz), bins - 1);
        _pitchHalfWidth = options.CepstralPitchHalfWidth;
        _envelopeWeight = Math.Pow(options.CepstralEnvelopeSmoothing, steps);
        _pitchWeight = Math.Pow(options.CepstralPitchSmoothing, steps);
        _weight = Math.Pow(options.CepstralSmoothing, steps);
        _pitchThreshold = options.CepstralPitchThreshold;
        var slowest = Math.Max(_weight, Math.Max(_envelopeWeight, _pitchWeight));
        SettlingFrames = slowest <= 0 ? 1 : (int)Math.Ceiling(Math.Log(1e-12) / Math.Log(slowest)) + 1;
        _bias = options.CepstralBiasDb / 10 * Math.Log(10);
        _state = new double[bins];
        _even = new double[_n];
        _re = new double[bins];
        _im = new double[bins];
        _cepstrum = new double[bins];
        _log = new float[SpeechEnhancer.PaddedLength(bins)];
    }

    /// <summary>
    /// Frames after which the state has forgotten where it began to 1e-12 (in the log power: 1e-11 dB): the slowest
    /// weight to that power. A run started this many frames before the gains are needed gives the gains a run from the
    /// signal's start gives.
    /// </summary>
    public int SettlingFrames { get; }

    /// <summary>The quefrency of the last frame's pitch peak (0: none over the threshold), for diagnostics.</summary>
    public int LastPitchQuefrency { get; private set; }

    /// <summary>Forgets the past: the next frame starts the smoothing.</summary>
    public void Reset() => _started = false;

    /// <summary>
    /// <paramref name="power"/> (bins 0..n/2, positive) smoothed into <paramref name="smoothed"/> (the same bins). Both
    /// spans are padded to whole Vector&lt;float&gt;s; the pad bins of <paramref name="smoothed"/> are written with garbage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> power, Span<float> smoothed)
    {
        if (power.Length < _log.Length || smoothed.Length < _log.Length) throw new ArgumentException($"Expected {_log.Length} padded bins.");
        var tiny = new Vector<float>(1e-30f);
        for (var k = 0; k < _log.Length; k += Vector<float>.Count)
            Vector.Log(Vector.Max(new Vector<float>(power[k..]), tiny)).CopyTo(_log.AsSpan(k));
        for (var k = 0; k < _bins; k++) _even[k] = _log[k];
        for (var k = _bins; k < _n; k++) _even[k] = _even[_n - k];
        _fft.Forward(_even, _re, _im);
        var scale = 1.0 / _n;
        for (var q = 0; q < _bins; q++) _cepstrum[q] = _re[q] * scale;
        // The pitch: the largest cepstral value in the F0 range, if it stands over the threshold.
        var peak = 0;
        var best = _pitchThreshold;
        for (var q = _pitchFirst; q <= _pitchLast; q++)
            if (_cepstrum[q] > best) (best, peak) = (_cepstrum[q], q);
        LastPitchQuefrency = peak;
        if (!_started)
        {
            _cepstrum.CopyTo(_state, 0);
            _started = true;
        }
        else
        {
            var (pitchFirst, pitchLast) = peak > 0 ? (peak - _pitchHalfWidth, peak + _pitchHalfWidth) : (-1, -1);
            for (var q = 0; q < _bins; q++)
            {
                var w = q <= _envelopeLast ? _envelopeWeight : q >= pitchFirst && q <= pitchLast ? _pitchWeight : _weight;
                _state[q] = w * _state[q] + (1 - w) * _cepstrum[q];
            }
        }
        for (var q = 0; q < _bins; q++) _even[q] = _state[q];
        for (var q = _bins; q < _n; q++) _even[q] = _state[_n - q];
        _fft.Forward(_even, _re, _im);
        var bias = (float)_bias;
        for (var k = 0; k < _bins; k++) _log[k] = (float)_re[k] + bias;
        for (var k = 0; k < _log.Length; k += Vector<float>.Count)
            Vector.Exp(new Vector<float>(_log, k)).CopyTo(smoothed[k..]);
    }
}
