using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// The inverse half of the gate's STFT (DSP.md §3): each frame's spectrum back to time by the
/// inverse FFT, weighted by the window and overlap-added; each sample then divided by Σw² over the
/// frames that exist there, so an all-ones mask returns the input to rounding. Frames come in
/// ascending order; after each, <see cref="Emit"/> hands out the samples no later frame touches.
/// Not thread-safe: it holds the accumulator.
/// </summary>
internal sealed class OverlapAddSynthesis
{
    private readonly int _n;
    private readonly int _hop;
    private readonly int _channels;
    private readonly RealFft _fft;
    private readonly double[] _window;       // w
    private readonly double[] _synthesis;    // w · Σw (RealFft.Inverse already divides by n)
    private readonly double[] _interiorNorm; // Σw² at each phase where every frame exists
    private readonly double[] _time;
    private readonly double[] _accumulator;  // [channel][n]

    public OverlapAddSynthesis(RealFft fft, double[] window, int hop, int channels)
    {
        _fft = fft;
        _n = fft.Size;
        _hop = hop;
        _channels = channels;
        _window = window;
        _synthesis = new double[_n];
        var sum = _n / 2.0;
        for (var i = 0; i < _n; i++) _synthesis[i] = _window[i] * sum;
        _interiorNorm = new double[_hop];
        for (var phase = 0; phase < _hop; phase++) _interiorNorm[phase] = NormAt(_n + phase, long.MaxValue / 2);
        _time = new double[_n];
        _accumulator = new double[channels * _n];
    }

    /// <summary>Empties the accumulator: the next frame added is the first of a run.</summary>
    public void Clear() => Array.Clear(_accumulator);

    /// <summary>The next frame's spectrum of channel c: inverse FFT, times the synthesis window, added into the accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int c, ReadOnlySpan<double> re, ReadOnlySpan<double> im)
    {
        _fft.Inverse(re, im, _time);
        ElementWise.MultiplyAdd(_synthesis, _time, _accumulator.AsSpan(c * _n, _n));
    }

    /// <summary>
    /// After frame f is added the accumulator holds samples [FrameStart(f), FrameStart(f) + n); the
    /// first Hop of them get no more frames. Those inside [start, end) go out, divided by Σw²; then
    /// the accumulator moves on by Hop. After the last frame every sample it holds is complete.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Emit(StftGrid grid, long f, long start, long end, Span<double> output, bool final)
    {
        var t0 = grid.FrameStart(f);
        var count = final ? _n : _hop;
        var from = (int)Math.Clamp(start - t0, 0, count);
        var to = (int)Math.Clamp(end - t0, from, count);
        var lastFrame = grid.LastFrame;
        // Every frame covering these samples exists (away from the signal's ends): the norm depends
        // on the phase only, and t0 is a multiple of the hop, so the phase of sample i is i mod hop.
        var interior = StftGrid.FloorDiv(t0 - _n / 2, _hop) + 1 >= 0 && StftGrid.FloorDiv(t0 + count - 1 + _n / 2, _hop) <= lastFrame;
        for (var c = 0; c < _channels; c++)
        {
            var acc = _accumulator.AsSpan(c * _n, _n);
            if (from < to)
            {
                if (interior && _channels == 1 && count == _hop)
                    ElementWise.Divide(acc[from..to], _interiorNorm.AsSpan(from, to - from), output.Slice((int)(t0 + from - start), to - from));
                else
                    for (var i = from; i < to; i++)
                    {
                        var t = t0 + i;
                        output[(int)(t - start) * _channels + c] = acc[i] / (interior ? _interiorNorm[i % _hop] : NormAt(t, lastFrame));
                    }
            }
            if (!final)
            {
                acc[_hop..].CopyTo(acc);
                acc[(_n - _hop)..].Clear();
            }
        }
    }

    /// <summary>Σw² over the frames that cover sample t, in ascending frame order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double NormAt(long t, long lastFrame)
    {
        var sum = 0.0;
        var firstFrame = Math.Max(0, StftGrid.FloorDiv(t - _n / 2, _hop) + 1);
        var final = Math.Min(lastFrame, StftGrid.FloorDiv(t + _n / 2, _hop));
        for (var m = firstFrame; m <= final; m++)
        {
            var w = _window[(int)(t - (m * _hop - _n / 2))];
            sum += w * w;
        }
        return sum;
    }
}
