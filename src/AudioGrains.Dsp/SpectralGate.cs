using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Spectral gating with the semantics of noisereduce 3.x (DSP.md §3), plus the weight-free voice
/// isolation of §5 (a band limit and stereo centre extraction), computed piecewise so that chunks of
/// one signal processed apart, each with <see cref="ContextFrames"/> of context either side, give
/// what one pass over the whole signal gives: bit for bit in the stationary and off modes, to better
/// than 90 dB in the non-stationary mode.
/// </summary>
/// <remarks>
/// <para>STFT: periodic Hann window of <c>FftSize</c>, frames every <c>Hop</c> centred on m·Hop with
/// n_fft/2 zeros beyond both ends of the whole signal (<see cref="StftGrid"/>: 1 + N/Hop frames),
/// one-sided spectrum scaled by 1/Σw. Inverse: weighted overlap-add of w·frame divided, per sample,
/// by Σw² over the frames that exist there, so an all-ones mask returns the input to rounding.</para>
/// <para>Stationary: per bin, threshold = mean + <c>ThresholdStd</c>·std of the noise source's floored
/// dB (<see cref="NoiseProfile"/>); mask = (signal's floored dB > threshold)·Strength + 1 − Strength,
/// smoothed (<see cref="MaskSmoother"/>). The dB comparison runs as |X| + eps > 10^(threshold/20),
/// the same test without a logarithm per bin. Non-stationary: r = (|X| − smooth)/smooth with
/// <see cref="MagnitudeSmoother"/>; mask = sigmoid((r − multiplier)·slope), smoothed, then
/// ·Strength + 1 − Strength. A band limit multiplies the mask by <see cref="BandGain"/>; centre
/// extraction (<see cref="CentreExtraction"/>) replaces a stereo input by its centre before
/// everything else, so the analysis passes measure the centre too.</para>
/// <para>Analysis for the stationary gate: pass 1 <see cref="MeasureMaxima"/> per chunk, merged;
/// pass 2 <see cref="MeasureNoise"/> of the noise source (the signal itself or a noise clip, with
/// that source's merged maxima) per chunk, merged; then <see cref="Process"/>. Every sum over frames
/// or bins runs in one fixed order, and chunk-independent state is all there is, which is what
/// makes the stationary output bit-identical.</para>
/// <para>Not thread-safe: the instance holds scratch buffers (no allocation per frame). Use one per
/// thread or per chunk call.</para>
/// </remarks>
public sealed class SpectralGate
{
    private readonly SpectralGateOptions _options;
    private readonly int _sampleRate;
    private readonly int _inputChannels;
    private readonly int _outputChannels;
    private readonly int _n;
    private readonly int _hop;
    private readonly int _bins;
    private readonly RealFft _fft;
    private readonly double[] _window;     // w
    private readonly double[] _analysis;   // w / Σw, Σw = n/2 (a power of two: exact)
    private readonly double[] _synthesis;  // w · Σw (RealFft.Inverse already divides by n)
    private readonly double[] _interiorNorm; // Σw² at each phase where every frame exists
    private readonly double[]? _band;
    private readonly MaskSmoother? _smoother;
    private readonly int _timeRadius;
    private readonly int _ringLength;
    private readonly double _smoothing;    // non-stationary b
    private readonly int _settlingFrames;  // non-stationary: context for the smoother; speech: for the estimator's recursions
    private readonly SpeechEnhancer? _speech;
    private readonly float[] _power = [], _speechGain = []; // speech: one channel's |X|² and gains, padded

    // Scratch, reused by every call.
    private readonly double[] _frame;
    private readonly double[] _inputRe, _inputIm;               // [input channel][bin], centre extraction only
    private readonly double[] _ringRe, _ringIm, _ringMask;      // [slot][output channel][bin]
    private readonly double[] _mask, _re, _im, _time;
    private readonly double[] _accumulator;                     // [output channel][n]
    private readonly double[] _threshold;                       // [output channel][bin], stationary
    private readonly double[] _floor;                           // [output channel][bin], noise pass
    private readonly double[] _initial;                         // [output channel][bin], non-stationary start state
    private double[] _store = [];                               // non-stationary: smoothed magnitudes, then masks
    private int _maskStoreOffset;                               // where the masks start in _store

    public SpectralGate(SpectralGateOptions options, int sampleRate, int inputChannels)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validated(sampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        if (options.CentreExtraction && inputChannels != 2)
            throw new ArgumentException($"Centre extraction needs 2 input channels, got {inputChannels}.", nameof(inputChannels));
        _sampleRate = sampleRate;
        _inputChannels = inputChannels;
        _outputChannels = options.CentreExtraction ? 1 : inputChannels;
        _n = options.FftSize;
        _hop = options.Hop;
        _bins = _n / 2 + 1;
        _fft = new RealFft(_n);
        _window = HannWindow.Periodic(_n);
        _analysis = new double[_n];
        _synthesis = new double[_n];
        var sum = _n / 2.0;
        for (var i = 0; i < _n; i++)
        {
            _analysis[i] = _window[i] / sum;
            _synthesis[i] = _window[i] * sum;
        }
        _interiorNorm = new double[_hop];
        for (var phase = 0; phase < _hop; phase++) _interiorNorm[phase] = NormAt(_n + phase, long.MaxValue / 2);
        if (options.HasBand) _band = BandGain.Compute(sampleRate, _n, options.BandLowHz, options.BandHighHz);
        if (options.Mode is DenoiseMode.Stationary or DenoiseMode.NonStationary)
        {
            _smoother = new MaskSmoother(sampleRate, _n, _hop, options.FreqMaskSmoothHz, options.TimeMaskSmoothMs, _bins);
            _timeRadius = _smoother.TimeRadius;
        }
        if (options.Mode == DenoiseMode.NonStationary)
        {
            _smoothing = MagnitudeSmoother.Coefficient(options.TimeConstantSeconds, sampleRate, _hop);
            _settlingFrames = MagnitudeSmoother.SettlingFrames(_smoothing);
        }
        if (options.Mode == DenoiseMode.Speech)
        {
            _speech = new SpeechEnhancer(options.Speech, _outputChannels, _bins, (double)_hop / sampleRate, sampleRate);
            // At least the initial noise frames, so a run's start lies inside the context it reads.
            _settlingFrames = Math.Max((int)Math.Ceiling(options.Speech.ConvergenceSeconds * sampleRate / _hop), options.Speech.InitialNoiseFrames);
            _power = new float[_speech.PaddedBins];
            _speechGain = new float[_speech.PaddedBins];
        }
        _ringLength = 2 * _timeRadius + 1;
        var perSlot = _outputChannels * _bins;
        _ringRe = new double[_ringLength * perSlot];
        _ringIm = new double[_ringLength * perSlot];
        _ringMask = new double[_ringLength * perSlot];
        _frame = new double[_n];
        _inputRe = new double[options.CentreExtraction ? inputChannels * _bins : 0];
        _inputIm = new double[_inputRe.Length];
        _mask = new double[_bins];
        _re = new double[_bins];
        _im = new double[_bins];
        _time = new double[_n];
        _accumulator = new double[_outputChannels * _n];
        _threshold = new double[perSlot];
        _floor = new double[perSlot];
        _initial = new double[perSlot];
    }

    public SpectralGateOptions Options => _options;

    public int SampleRate => _sampleRate;

    public int InputChannels => _inputChannels;

    /// <summary>1 with centre extraction, else the input channel count.</summary>
    public int OutputChannels => _outputChannels;

    /// <summary>Frequency bins per frame: FftSize/2 + 1 (the shape of <see cref="BinMaxima"/> and <see cref="NoiseProfile"/>).</summary>
    public int Bins => _bins;

    /// <summary>True when <see cref="Process"/> only returns its input (off, no band, no centre extraction): a caller may skip it.</summary>
    public bool IsPassThrough => _options.Mode == DenoiseMode.Off && _band is null && !_options.CentreExtraction;

    /// <summary>
    /// Frames of context <see cref="Process"/> needs before and after [start, end): what the STFT
    /// frames of an output sample cover (up to FftSize − 1 frames away; FftSize − Hop when start and
    /// end lie on the hop grid), plus the mask smoothing's n_t frames, plus for the non-stationary
    /// gate the smoother's settling (<see cref="MagnitudeSmoother.SettlingFrames"/>), for the speech
    /// estimator its convergence span (<see cref="SpeechEnhancerOptions.ConvergenceSeconds"/>), in hops. At
    /// 16 kHz with the defaults: 1 024 (off, band, centre), 1 792 (stationary),
    /// 1 792 + 1 727·256 = 443 904 (non-stationary, 27.7 s), 1 024 + 2 500·256 = 641 024 (speech, 40.1 s).
    /// The speech estimator is causal: after a range it needs only <see cref="ContextAfterFrames"/>.
    /// </summary>
    public int ContextFrames => (_n / _hop + _timeRadius + _settlingFrames) * _hop;

    /// <summary>
    /// Frames of context <see cref="Process"/> needs after [start, end): <see cref="ContextFrames"/> for the
    /// gates (their smoothing looks both ways); for the causal speech estimator only the frame overlap
    /// plus its initial noise frames (which a run starting at the signal's start reads): 3 072 at 16 kHz.
    /// </summary>
    public int ContextAfterFrames => _speech is null ? ContextFrames : (_n / _hop + _options.Speech.InitialNoiseFrames) * _hop;

    /// <summary>Mask smoothing half-widths (n_f bins, n_t frames); 0, 0 when off.</summary>
    public (int Bins, int Frames) SmoothingRadius => (_smoother?.FrequencyRadius ?? 0, _timeRadius);

    /// <summary>The STFT frame grid over a whole signal of <paramref name="totalFrames"/> frames.</summary>
    public StftGrid Grid(long totalFrames) => new(_n, _hop, totalFrames);

    /// <summary>
    /// Analysis pass 1: per output channel and bin, the max of |X|² over the frames [start, end) owns
    /// (<see cref="StftGrid.OwnedFrames"/>: centred in [start, end), plus the final frame when end is
    /// the signal's end). start and end may lie anywhere (a noise clip's edges, say); consecutive
    /// ranges still own every frame once. The window must hold [start − FftSize/2, end + FftSize/2)
    /// ∩ signal. Merge the chunks' results with <see cref="BinMaxima.Merge"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BinMaxima MeasureMaxima(SignalWindow window, long start, long end)
    {
        var grid = CheckRange(window, start, end);
        var maxima = new BinMaxima(_outputChannels, _bins);
        var (first, last) = grid.OwnedFrames(start, end);
        if (first > last) return maxima;
        RequireCoverage(window, grid, first, last, "MeasureMaxima needs FftSize/2 frames of context");
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++) MaxPower(SlotRe(0, c), SlotIm(0, c), maxima.Channel(c));
        }
        return maxima;
    }

    /// <summary>
    /// Analysis pass 2, over a noise source (the signal itself or a noise clip with the same channel
    /// layout): per output channel and bin, count, sum and sum of squares of
    /// dB = 20·log10(|X| + eps), floored at (that bin's max over the whole source − 80 dB), the max
    /// coming from <paramref name="floorOf"/>, the merged <see cref="MeasureMaxima"/> of the same
    /// source. Same ownership and window as <see cref="MeasureMaxima"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public NoiseProfile MeasureNoise(SignalWindow window, long start, long end, BinMaxima floorOf)
    {
        ArgumentNullException.ThrowIfNull(floorOf);
        var grid = CheckRange(window, start, end);
        CheckShape(floorOf.Channels, floorOf.Bins, nameof(floorOf));
        var profile = new NoiseProfile(_outputChannels, _bins);
        var (first, last) = grid.OwnedFrames(start, end);
        if (first > last) return profile;
        RequireCoverage(window, grid, first, last, "MeasureNoise needs FftSize/2 frames of context");
        for (var c = 0; c < _outputChannels; c++)
            for (var k = 0; k < _bins; k++) _floor[c * _bins + k] = SpectralDecibels.Floor(floorOf.Power(c, k));
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++)
            {
                FlooredDecibels(SlotRe(0, c), SlotIm(0, c), _floor.AsSpan(c * _bins, _bins), _mask);
                profile.AddFrame(c, _mask);
            }
        }
        return profile;
    }

    /// <summary>
    /// Gates signal frames [start, end) into <paramref name="output"/> ((end − start)·OutputChannels
    /// interleaved values). The window must hold [start − ContextFrames, end + ContextAfterFrames) ∩ signal.
    /// Stationary needs <paramref name="signalMaxima"/> (this signal's merged maxima: the floor under
    /// its dB) and <paramref name="noise"/> (the merged profile of the noise source); the other modes
    /// need neither. start and end may lie anywhere in the signal (the output does not depend on
    /// where ranges begin or end).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(SignalWindow window, long start, long end, BinMaxima? signalMaxima, NoiseProfile? noise, Span<double> output)
    {
        var grid = CheckRange(window, start, end);
        if (output.Length != (end - start) * _outputChannels)
            throw new ArgumentException($"Output needs {(end - start) * _outputChannels} values ({end - start} frames × {_outputChannels} channels), got {output.Length}.", nameof(output));
        if (_options.Mode == DenoiseMode.Stationary) PrepareThresholds(signalMaxima, noise);
        if (start == end) return;

        var (first, last) = grid.FramesTouching(start, end);
        var maskFirst = Math.Max(0, first - _timeRadius);
        var maskLast = Math.Min(grid.LastFrame, last + _timeRadius);
        var needFirst = Math.Max(0, maskFirst - _settlingFrames);
        var needLast = _speech is null
            ? Math.Min(grid.LastFrame, maskLast + _settlingFrames)
            : Math.Min(grid.LastFrame, Math.Max(maskLast, needFirst + _options.Speech.InitialNoiseFrames - 1));
        RequireCoverage(window, grid, needFirst, needLast, $"Process needs ContextFrames ({ContextFrames}) frames of context before and ContextAfterFrames ({ContextAfterFrames}) after");
        if (_options.Mode == DenoiseMode.NonStationary)
            ComputeNonStationaryMasks(window, grid, needFirst, needLast, maskFirst, maskLast);
        if (_options.Mode == DenoiseMode.Speech)
            RunSpeechUpTo(window, grid, needFirst, maskFirst);

        Array.Clear(_accumulator);
        var filled = maskFirst;
        for (var f = first; f <= last; f++)
        {
            for (var limit = Math.Min(f + _timeRadius, maskLast); filled <= limit; filled++)
                FillRing(window, grid, filled, maskFirst);
            Synthesize(grid, f);
            Emit(grid, f, start, end, output, final: f == last);
        }
    }

    // ---- STFT frames -------------------------------------------------------------------------

    /// <summary>Spectra of frame m of every output channel into ring slot <paramref name="slot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Spectrum(SignalWindow window, StftGrid grid, long m, int slot)
    {
        if (_options.CentreExtraction)
        {
            for (var c = 0; c < _inputChannels; c++)
            {
                LoadFrame(window, grid, m, c);
                _fft.Forward(_frame, _inputRe.AsSpan(c * _bins, _bins), _inputIm.AsSpan(c * _bins, _bins));
            }
            var re = SlotRe(slot, 0);
            var im = SlotIm(slot, 0);
            CentreExtraction.Apply(
                _inputRe.AsSpan(0, _bins), _inputIm.AsSpan(0, _bins),
                _inputRe.AsSpan(_bins, _bins), _inputIm.AsSpan(_bins, _bins), re, im);
            return;
        }
        for (var c = 0; c < _outputChannels; c++)
        {
            LoadFrame(window, grid, m, c);
            var re = SlotRe(slot, c);
            var im = SlotIm(slot, c);
            _fft.Forward(_frame, re, im);
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
            Multiply(data.Slice(at, hi - lo), w.AsSpan(lo, hi - lo), frame[lo..hi]);
            return;
        }
        for (var i = lo; i < hi; i++, at += channels) frame[i] = data[at] * w[i];
    }

    private Span<double> SlotRe(int slot, int channel) => _ringRe.AsSpan((slot * _outputChannels + channel) * _bins, _bins);

    private Span<double> SlotIm(int slot, int channel) => _ringIm.AsSpan((slot * _outputChannels + channel) * _bins, _bins);

    private Span<double> SlotMask(int slot, int channel) => _ringMask.AsSpan((slot * _outputChannels + channel) * _bins, _bins);

    private int SlotOf(long m) => (int)(m % _ringLength);

    // ---- masks -------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrepareThresholds(BinMaxima? signalMaxima, NoiseProfile? noise)
    {
        if (signalMaxima is null) throw new ArgumentNullException(nameof(signalMaxima), "The stationary gate needs the signal's merged BinMaxima (the floor under its dB).");
        if (noise is null) throw new ArgumentNullException(nameof(noise), "The stationary gate needs the noise source's merged NoiseProfile.");
        CheckShape(signalMaxima.Channels, signalMaxima.Bins, nameof(signalMaxima));
        CheckShape(noise.Channels, noise.Bins, nameof(noise));
        for (var c = 0; c < _outputChannels; c++)
        {
            if (noise.Count(c) == 0) throw new ArgumentException($"The noise profile of channel {c} holds no frames.", nameof(noise));
            for (var k = 0; k < _bins; k++)
            {
                var threshold = noise.Mean(c, k) + _options.ThresholdStd * noise.Std(c, k);
                // floored dB > threshold  ⇔  floor > threshold  or  |X| + eps > 10^(threshold/20).
                _threshold[c * _bins + k] = SpectralDecibels.Floor(signalMaxima.Power(c, k)) > threshold
                    ? -1
                    : Math.Pow(10, threshold / 20);
            }
        }
    }

    /// <summary>Spectrum and unsmoothed mask of frame m into its ring slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillRing(SignalWindow window, StftGrid grid, long m, long maskFirst)
    {
        var slot = SlotOf(m);
        Spectrum(window, grid, m, slot);
        switch (_options.Mode)
        {
            case DenoiseMode.Stationary:
                var on = _options.Strength + (1 - _options.Strength);
                var off = 1 - _options.Strength;
                for (var c = 0; c < _outputChannels; c++)
                {
                    var re = SlotRe(slot, c);
                    var im = SlotIm(slot, c);
                    StationaryMask(re, im, _threshold.AsSpan(c * _bins, _bins), on, off, SlotMask(slot, c));
                }
                break;
            case DenoiseMode.Speech:
                for (var c = 0; c < _outputChannels; c++) SpeechStep(m, slot, c);
                break;
            case DenoiseMode.NonStationary:
                var perFrame = _outputChannels * _bins;
                _store.AsSpan(_maskStoreOffset + (int)(m - maskFirst) * perFrame, perFrame)
                    .CopyTo(_ringMask.AsSpan(slot * perFrame, perFrame));
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StationaryMask(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> threshold, double on, double off, Span<double> mask)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rt = ref MemoryMarshal.GetReference(threshold);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var eps = new Vector<double>(SpectralDecibels.Epsilon);
        var von = new Vector<double>(on);
        var voff = new Vector<double>(off);
        var k = 0;
        for (; k + Vector<double>.Count <= mask.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            var above = Vector.GreaterThan(Vector.SquareRoot(vr * vr + vi * vi) + eps, Vector.LoadUnsafe(ref rt, (nuint)k));
            Vector.ConditionalSelect(above, von, voff).StoreUnsafe(ref rm, (nuint)k);
        }
        for (; k < mask.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rm, k) = Math.Sqrt(r * r + i * i) + SpectralDecibels.Epsilon > Unsafe.Add(ref rt, k) ? on : off;
        }
    }

    /// <summary>
    /// Non-stationary: sigmoid masks of frames [maskFirst, maskLast] into the store, from the
    /// forward-backward smoothed magnitudes over [first, last] (the mask frames plus the settling).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeNonStationaryMasks(SignalWindow window, StftGrid grid, long first, long last, long maskFirst, long maskLast)
    {
        var perFrame = _outputChannels * _bins;
        var frames = (int)(last - first + 1);
        var maskFrames = (int)(maskLast - maskFirst + 1);
        var needed = (long)(frames + maskFrames) * perFrame;
        if (_store.Length < needed) _store = new double[needed];
        _maskStoreOffset = frames * perFrame;
        var store = _store;
        var b = _smoothing;

        // Forward: y[m] = b·|X[m]| + a·y[m−1]. At the signal's start y[−1] = |X[0]| (filtfilt). A chunk
        // starts where its context starts, from the mean |X| of its first 1/b frames: a steadier guess
        // of the true state than one frame, which may hold a click 60 dB above its surroundings.
        var initial = _initial;
        var initialFrames = first == 0 ? 1 : (int)Math.Min(Math.Ceiling(1 / b), last - first + 1);
        Array.Clear(initial);
        for (var m = first; m < first + initialFrames; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++)
            {
                Magnitude(SlotRe(0, c), SlotIm(0, c), _mask);
                Add(_mask, initial.AsSpan(c * _bins, _bins));
            }
        }
        for (var i = 0; i < initial.Length; i++) initial[i] /= initialFrames;
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            var row = (int)(m - first) * perFrame;
            for (var c = 0; c < _outputChannels; c++)
            {
                // |X| goes to the mask store when the frame needs a mask, else to scratch.
                var magnitude = m >= maskFirst && m <= maskLast
                    ? store.AsSpan(_maskStoreOffset + (int)(m - maskFirst) * perFrame + c * _bins, _bins)
                    : _mask.AsSpan();
                Magnitude(SlotRe(0, c), SlotIm(0, c), magnitude);
                var previous = m == first ? initial.AsSpan(c * _bins, _bins) : store.AsSpan(row - perFrame + c * _bins, _bins);
                OnePole(magnitude, previous, b, store.AsSpan(row + c * _bins, _bins));
            }
        }

        // Backward over y, in place: z[m] = b·y[m] + a·z[m+1], z[last + 1] = y[last]; then the sigmoid.
        for (var m = last; m >= maskFirst; m--)
        {
            var row = (int)(m - first) * perFrame;
            for (var c = 0; c < _outputChannels; c++)
            {
                var z = store.AsSpan(row + c * _bins, _bins);
                OnePole(z, m == last ? z : store.AsSpan(row + perFrame + c * _bins, _bins), b, z);
                if (m <= maskLast)
                    Sigmoid(store.AsSpan(_maskStoreOffset + (int)(m - maskFirst) * perFrame + c * _bins, _bins), z,
                        _options.NonStationaryThresholdMultiplier, _options.NonStationarySigmoidSlope);
            }
        }
    }

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

    /// <summary>power[k] = re[k]² + im[k]² in float for the bins; the padding past them stays 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Power(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> power)
    {
        for (var k = 0; k < re.Length; k++) power[k] = (float)(re[k] * re[k] + im[k] * im[k]);
    }

    /// <summary>sum[k] += re[k]² + im[k]².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPower(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> sum)
    {
        for (var k = 0; k < re.Length; k++) sum[k] += re[k] * re[k] + im[k] * im[k];
    }

    /// <summary>target[k] = √(re[k]² + im[k]²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Magnitude(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> target)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var k = 0;
        for (; k + Vector<double>.Count <= target.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            Vector.SquareRoot(vr * vr + vi * vi).StoreUnsafe(ref rt, (nuint)k);
        }
        for (; k < target.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rt, k) = Math.Sqrt(r * r + i * i);
        }
    }

    /// <summary>One step of the one-pole smoother per bin: target[k] = b·input[k] + (1 − b)·previous[k] (target may be input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnePole(ReadOnlySpan<double> input, ReadOnlySpan<double> previous, double b, Span<double> target)
    {
        ref var rx = ref MemoryMarshal.GetReference(input);
        ref var rp = ref MemoryMarshal.GetReference(previous);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var a = 1 - b;
        var vb = new Vector<double>(b);
        var va = new Vector<double>(a);
        var k = 0;
        for (; k + Vector<double>.Count <= target.Length; k += Vector<double>.Count)
            (vb * Vector.LoadUnsafe(ref rx, (nuint)k) + va * Vector.LoadUnsafe(ref rp, (nuint)k)).StoreUnsafe(ref rt, (nuint)k);
        for (; k < target.Length; k++) Unsafe.Add(ref rt, k) = b * Unsafe.Add(ref rx, k) + a * Unsafe.Add(ref rp, k);
    }

    /// <summary>
    /// magnitude[k] becomes the non-stationary mask 1/(1 + exp(−(r − multiplier)·slope)) with
    /// r = (|X| − smooth)/smooth. Digital silence (smooth = 0, hence |X| = 0) reads as r = −1, like any empty bin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sigmoid(Span<double> magnitude, ReadOnlySpan<double> smooth, double multiplier, double slope)
    {
        ref var rm = ref MemoryMarshal.GetReference(magnitude);
        ref var rs = ref MemoryMarshal.GetReference(smooth);
        var vmult = new Vector<double>(multiplier);
        var vslope = new Vector<double>(-slope);
        var one = Vector<double>.One;
        var minusOne = -Vector<double>.One;
        var k = 0;
        for (; k + Vector<double>.Count <= magnitude.Length; k += Vector<double>.Count)
        {
            var z = Vector.LoadUnsafe(ref rs, (nuint)k);
            var r = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<double>.Zero), (Vector.LoadUnsafe(ref rm, (nuint)k) - z) / z, minusOne);
            (one / (one + Vector.Exp((r - vmult) * vslope))).StoreUnsafe(ref rm, (nuint)k);
        }
        for (; k < magnitude.Length; k++)
        {
            var z = Unsafe.Add(ref rs, k);
            var r = z > 0 ? (Unsafe.Add(ref rm, k) - z) / z : -1;
            Unsafe.Add(ref rm, k) = 1 / (1 + Math.Exp((r - multiplier) * -slope));
        }
    }

    // ---- synthesis ---------------------------------------------------------------------------

    /// <summary>Smoothed mask × spectrum of frame f, inverse FFT, overlap-added into the accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Synthesize(StftGrid grid, long f)
    {
        var slot = SlotOf(f);
        for (var c = 0; c < _outputChannels; c++)
        {
            var re = SlotRe(slot, c);
            var im = SlotIm(slot, c);
            var gain = GainOf(grid, f, c);
            if (gain.IsEmpty)
            {
                re.CopyTo(_re);
                im.CopyTo(_im);
            }
            else
            {
                Multiply(re, gain, _re);
                Multiply(im, gain, _im);
            }
            _fft.Inverse(_re, _im, _time);
            MultiplyAdd(_synthesis, _time, _accumulator.AsSpan(c * _n, _n));
        }
    }

    /// <summary>The final per-bin gain of frame f on channel c, or empty for none (an all-ones mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<double> GainOf(StftGrid grid, long f, int c)
    {
        if (_options.Mode == DenoiseMode.Off) return _band;
        if (_options.Mode == DenoiseMode.Speech)
        {
            if (_band is null) return SlotMask(SlotOf(f), c);
            Multiply(SlotMask(SlotOf(f), c), _band, _mask);
            return _mask;
        }
        var mask = _mask.AsSpan();
        mask.Clear();
        // Time pass: frames outside the whole signal are the zero boundary, so they are left out.
        for (var j = -_timeRadius; j <= _timeRadius; j++)
        {
            var m = f + j;
            if (m < 0 || m > grid.LastFrame) continue;
            MaskSmoother.AddScaled(mask, SlotMask(SlotOf(m), c), _smoother!.TimeWeight(j));
        }
        _smoother!.SmoothFrequency(mask);
        if (_options.Mode == DenoiseMode.NonStationary) ScaleOffset(mask, _options.Strength, 1 - _options.Strength);
        if (_band is not null) Multiply(mask, _band, mask);
        return mask;
    }

    /// <summary>
    /// After frame f is added the accumulator holds samples [FrameStart(f), FrameStart(f) + n); the
    /// first Hop of them get no more frames. Those inside [start, end) go out, divided by Σw²; then
    /// the accumulator moves on by Hop. After the last frame every sample it holds is complete.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Emit(StftGrid grid, long f, long start, long end, Span<double> output, bool final)
    {
        var t0 = grid.FrameStart(f);
        var count = final ? _n : _hop;
        var from = (int)Math.Clamp(start - t0, 0, count);
        var to = (int)Math.Clamp(end - t0, from, count);
        var lastFrame = grid.LastFrame;
        // Every frame covering these samples exists (away from the signal's ends): the norm depends
        // on the phase only, and t0 is a multiple of the hop, so the phase of sample i is i mod hop.
        var interior = StftGrid.FloorDiv(t0 - _n / 2, _hop) + 1 >= 0 && StftGrid.FloorDiv(t0 + count - 1 + _n / 2, _hop) <= lastFrame;
        for (var c = 0; c < _outputChannels; c++)
        {
            var acc = _accumulator.AsSpan(c * _n, _n);
            if (from < to)
            {
                if (interior && _outputChannels == 1 && count == _hop)
                    Divide(acc[from..to], _interiorNorm.AsSpan(from, to - from), output.Slice((int)(t0 + from - start), to - from));
                else
                    for (var i = from; i < to; i++)
                    {
                        var t = t0 + i;
                        output[(int)(t - start) * _outputChannels + c] = acc[i] / (interior ? _interiorNorm[i % _hop] : NormAt(t, lastFrame));
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

    // ---- bin and sample loops (lane-wise, so any vector width gives the same results) ---------

    /// <summary>target[i] = a[i]·b[i] (target may be a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
    }

    /// <summary>target[i] += a[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Add(ReadOnlySpan<double> a, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var i = 0;
        for (; i + Vector<double>.Count <= target.Length; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref rt, (nuint)i) + Vector.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < target.Length; i++) Unsafe.Add(ref rt, i) += Unsafe.Add(ref ra, i);
    }

    /// <summary>target[i] += a[i]·b[i] (not fused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref rt, (nuint)i) + Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref rt, i) + Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
    }

    /// <summary>target[i] = a[i] / b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Divide(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> target)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rt = ref MemoryMarshal.GetReference(target);
        var n = target.Length;
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref ra, (nuint)i) / Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rt, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rt, i) = Unsafe.Add(ref ra, i) / Unsafe.Add(ref rb, i);
    }

    /// <summary>x[i] = x[i]·scale + offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleOffset(Span<double> x, double scale, double offset)
    {
        ref var r = ref MemoryMarshal.GetReference(x);
        var vs = new Vector<double>(scale);
        var vo = new Vector<double>(offset);
        var i = 0;
        for (; i + Vector<double>.Count <= x.Length; i += Vector<double>.Count)
            (Vector.LoadUnsafe(ref r, (nuint)i) * vs + vo).StoreUnsafe(ref r, (nuint)i);
        for (; i < x.Length; i++) Unsafe.Add(ref r, i) = Unsafe.Add(ref r, i) * scale + offset;
    }

    /// <summary>max[k] = max(max[k], re[k]² + im[k]²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPower(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> max)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rm = ref MemoryMarshal.GetReference(max);
        var i = 0;
        for (; i + Vector<double>.Count <= max.Length; i += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)i);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)i);
            Vector.Max(vr * vr + vi * vi, Vector.LoadUnsafe(ref rm, (nuint)i)).StoreUnsafe(ref rm, (nuint)i);
        }
        for (; i < max.Length; i++)
        {
            var p = Unsafe.Add(ref rr, i) * Unsafe.Add(ref rr, i) + Unsafe.Add(ref ri, i) * Unsafe.Add(ref ri, i);
            Unsafe.Add(ref rm, i) = Math.Max(p, Unsafe.Add(ref rm, i));
        }
    }

    /// <summary>
    /// db[k] = max(20·log10(|X[k]| + eps), floor[k]), the logarithm as ln × 20/ln 10. The vector
    /// logarithm is the runtime's; bins past the last whole vector use Math.Log.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlooredDecibels(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> floor, Span<double> db)
    {
        ref var rr = ref MemoryMarshal.GetReference(re);
        ref var ri = ref MemoryMarshal.GetReference(im);
        ref var rf = ref MemoryMarshal.GetReference(floor);
        ref var rd = ref MemoryMarshal.GetReference(db);
        var eps = new Vector<double>(SpectralDecibels.Epsilon);
        var perNeper = new Vector<double>(SpectralDecibels.PerNeper);
        var k = 0;
        for (; k + Vector<double>.Count <= db.Length; k += Vector<double>.Count)
        {
            var vr = Vector.LoadUnsafe(ref rr, (nuint)k);
            var vi = Vector.LoadUnsafe(ref ri, (nuint)k);
            var v = perNeper * Vector.Log(Vector.SquareRoot(vr * vr + vi * vi) + eps);
            Vector.Max(v, Vector.LoadUnsafe(ref rf, (nuint)k)).StoreUnsafe(ref rd, (nuint)k);
        }
        for (; k < db.Length; k++)
        {
            double r = Unsafe.Add(ref rr, k), i = Unsafe.Add(ref ri, k);
            Unsafe.Add(ref rd, k) = Math.Max(SpectralDecibels.PerNeper * Math.Log(Math.Sqrt(r * r + i * i) + SpectralDecibels.Epsilon), Unsafe.Add(ref rf, k));
        }
    }

    // ---- checks ------------------------------------------------------------------------------

    private StftGrid CheckRange(SignalWindow window, long start, long end)
    {
        if (window.Channels != _inputChannels)
            throw new ArgumentException($"The window has {window.Channels} channels; this gate takes {_inputChannels}.", nameof(window));
        if (start < 0 || start > end || end > window.TotalFrames)
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {end}) is not a range of the signal [0, {window.TotalFrames}).");
        return Grid(window.TotalFrames);
    }

    private void RequireCoverage(SignalWindow window, StftGrid grid, long firstFrame, long lastFrame, string what)
    {
        var from = grid.FrameStart(firstFrame);
        var to = grid.FrameStart(lastFrame) + _n;
        if (!window.Covers(from, to))
            throw new ArgumentException(
                $"{what}: frames [{Math.Max(from, 0)}, {Math.Min(to, window.TotalFrames)}) of the signal, but the window holds [{window.FirstFrame}, {window.EndFrame}).",
                nameof(window));
    }

    private void CheckShape(int channels, int bins, string name)
    {
        if (channels != _outputChannels || bins != _bins)
            throw new ArgumentException($"{name} is {channels} channels × {bins} bins; this gate needs {_outputChannels} × {_bins}.", name);
    }
}
