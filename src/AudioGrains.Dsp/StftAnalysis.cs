using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The forward half of the gate's STFT (DSP.md §3): frame m of a signal is the periodic Hann window
/// over [m·Hop − n/2, m·Hop + n/2), zero outside the whole signal (<see cref="StftGrid"/>), scaled by
/// 1/Σw, to a one-sided spectrum. With centre extraction the two input channels' spectra become one
/// centre spectrum (<see cref="CentreExtraction"/>). Not thread-safe: it holds the frame buffers.
/// </summary>
internal sealed class StftAnalysis
{
    private readonly int _n;
    private readonly int _bins;
    private readonly int _inputChannels;
    private readonly int _outputChannels;
    private readonly bool _centreExtraction;
    private readonly RealFft _fft;
    private readonly double[] _analysis;          // w / Σw, Σw = n/2 (a power of two: exact)
    private readonly double[] _frame;
    private readonly double[] _inputRe, _inputIm; // [input channel][bin], centre extraction only

    public StftAnalysis(RealFft fft, ReadOnlySpan<double> window, int inputChannels, bool centreExtraction)
    {
        _fft = fft;
        _n = fft.Size;
        _bins = fft.Bins;
        _inputChannels = inputChannels;
        _centreExtraction = centreExtraction;
        _outputChannels = centreExtraction ? 1 : inputChannels;
        _analysis = new double[_n];
        var sum = _n / 2.0;
        for (var i = 0; i < _n; i++) _analysis[i] = window[i] / sum;
        _frame = new double[_n];
        _inputRe = new double[centreExtraction ? inputChannels * _bins : 0];
        _inputIm = new double[_inputRe.Length];
    }

    /// <summary>Spectra of frame m of every output channel into re and im, [output channel][bin].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Spectra(SignalWindow window, StftGrid grid, long m, Span<double> re, Span<double> im)
    {
        if (_centreExtraction)
        {
            for (var c = 0; c < _inputChannels; c++)
            {
                LoadFrame(window, grid, m, c);
                _fft.Forward(_frame, _inputRe.AsSpan(c * _bins, _bins), _inputIm.AsSpan(c * _bins, _bins));
            }
            CentreExtraction.Apply(
                _inputRe.AsSpan(0, _bins), _inputIm.AsSpan(0, _bins),
                _inputRe.AsSpan(_bins, _bins), _inputIm.AsSpan(_bins, _bins), re[.._bins], im[.._bins]);
            return;
        }
        for (var c = 0; c < _outputChannels; c++)
        {
            LoadFrame(window, grid, m, c);
            _fft.Forward(_frame, re.Slice(c * _bins, _bins), im.Slice(c * _bins, _bins));
        }
    }

    /// <summary>w/Σw · x over frame m of channel c, zero outside the signal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LoadFrame(SignalWindow window, StftGrid grid, long m, int channel)
    {
        var t0 = grid.FrameStart(m);
        var lo = (int)Math.Clamp(-t0, 0, _n);
        var hi = (int)Math.Clamp(window.TotalFrames - t0, lo, _n);
        var frame = _frame.AsSpan();
        frame[..lo].Clear();
        frame[hi..].Clear();
        var data = window.Interleaved;
        var channels = window.Channels;
        var at = (int)(t0 + lo - window.FirstFrame) * channels + channel;
        var w = _analysis;
        if (channels == 1)
        {
            ElementWise.Multiply(data.Slice(at, hi - lo), w.AsSpan(lo, hi - lo), frame[lo..hi]);
            return;
        }
        for (var i = lo; i < hi; i++, at += channels) frame[i] = data[at] * w[i];
    }
}
