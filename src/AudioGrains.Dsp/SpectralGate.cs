using System.Runtime.CompilerServices;

namespace AudioGrains.Dsp;

/// <summary>
/// Spectral gating with the semantics of noisereduce 3.x (DSP.md §3), plus the weight-free voice
/// isolation of §5 (a band limit and stereo centre extraction), computed piecewise so that chunks of
/// one signal processed apart, each with <see cref="ContextFrames"/> of context either side, give
/// what one pass over the whole signal gives: bit for bit in the stationary and off modes, to better
/// than 90 dB in the non-stationary mode.
/// </summary>
/// <remarks>
/// <para>STFT: <see cref="StftAnalysis"/> (periodic Hann window, frames centred on m·Hop with n_fft/2
/// zeros beyond both ends of the whole signal, <see cref="StftGrid"/>), and back by
/// <see cref="OverlapAddSynthesis"/>. Masks: <see cref="StationaryMask"/>, <see cref="NonStationaryMask"/>,
/// or the speech estimator (SpectralGate.Speech.cs); the gates' masks smoothed by
/// <see cref="MaskSmoother"/> (then, non-stationary, ·Strength + 1 − Strength). A band limit
/// multiplies the mask by <see cref="BandGain"/>; centre extraction replaces a stereo input by its
/// centre before everything else, so the analysis passes measure the centre too.</para>
/// <para>Analysis for the stationary gate: pass 1 <see cref="MeasureMaxima"/> per chunk, merged;
/// pass 2 <see cref="MeasureNoise"/> of the noise source (the signal itself or a noise clip, with
/// that source's merged maxima) per chunk, merged; then <see cref="Process"/>. Every sum over frames
/// or bins runs in one fixed order, and chunk-independent state is all there is, which is what
/// makes the stationary output bit-identical.</para>
/// <para>Not thread-safe: the instance holds scratch buffers (no allocation per frame). Use one per
/// thread or per chunk call.</para>
/// </remarks>
public sealed partial class SpectralGate
{
    private readonly SpectralGateOptions _options;
    private readonly int _sampleRate;
    private readonly int _inputChannels;
    private readonly int _outputChannels;
    private readonly int _n;
    private readonly int _hop;
    private readonly int _bins;
    private readonly StftAnalysis _stft;
    private readonly OverlapAddSynthesis _overlapAdd;
    private readonly double[]? _band;
    private readonly MaskSmoother? _smoother;
    private readonly int _timeRadius;
    private readonly int _ringLength;
    private readonly NonStationaryMask? _nonStationary;
    private readonly int _settlingFrames;  // non-stationary: context for the smoother; speech: for the estimator's recursions

    // Scratch, reused by every call.
    private readonly double[] _ringRe, _ringIm, _ringMask;      // [slot][output channel][bin]
    private readonly double[] _mask, _re, _im;
    private readonly double[] _threshold;                       // [output channel][bin], stationary

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
        var fft = new RealFft(_n);
        var window = HannWindow.Periodic(_n);
        _stft = new StftAnalysis(fft, window, inputChannels, options.CentreExtraction);
        _overlapAdd = new OverlapAddSynthesis(fft, window, _hop, _outputChannels);
        if (options.HasBand) _band = BandGain.Compute(sampleRate, _n, options.BandLowHz, options.BandHighHz);
        if (options.Mode is DenoiseMode.Stationary or DenoiseMode.NonStationary)
        {
            _smoother = new MaskSmoother(sampleRate, _n, _hop, options.FreqMaskSmoothHz, options.TimeMaskSmoothMs, _bins);
            _timeRadius = _smoother.TimeRadius;
        }
        if (options.Mode == DenoiseMode.NonStationary)
        {
            var smoothing = MagnitudeSmoother.Coefficient(options.TimeConstantSeconds, sampleRate, _hop);
            _settlingFrames = MagnitudeSmoother.SettlingFrames(smoothing);
            _nonStationary = new NonStationaryMask(_outputChannels, _bins, smoothing, options.NonStationaryThresholdMultiplier, options.NonStationarySigmoidSlope);
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
        _mask = new double[_bins];
        _re = new double[_bins];
        _im = new double[_bins];
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

        _overlapAdd.Clear();
        var filled = maskFirst;
        for (var f = first; f <= last; f++)
        {
            for (var limit = Math.Min(f + _timeRadius, maskLast); filled <= limit; filled++)
                FillRing(window, grid, filled);
            Synthesize(grid, f);
            _overlapAdd.Emit(grid, f, start, end, output, final: f == last);
        }
    }

    // ---- STFT frames -------------------------------------------------------------------------

    /// <summary>Spectra of frame m of every output channel into ring slot <paramref name="slot"/>.</summary>
    private void Spectrum(SignalWindow window, StftGrid grid, long m, int slot) =>
        _stft.Spectra(window, grid, m, _ringRe.AsSpan(slot * _outputChannels * _bins, _outputChannels * _bins), _ringIm.AsSpan(slot * _outputChannels * _bins, _outputChannels * _bins));

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
        StationaryMask.Thresholds(signalMaxima, noise, _options.ThresholdStd, _threshold);
    }

    /// <summary>Spectrum and unsmoothed mask of frame m into its ring slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillRing(SignalWindow window, StftGrid grid, long m)
    {
        var slot = SlotOf(m);
        Spectrum(window, grid, m, slot);
        switch (_options.Mode)
        {
            case DenoiseMode.Stationary:
                var (on, off) = StationaryMask.Levels(_options.Strength);
                for (var c = 0; c < _outputChannels; c++)
                {
                    var re = SlotRe(slot, c);
                    var im = SlotIm(slot, c);
                    StationaryMask.Compute(re, im, _threshold.AsSpan(c * _bins, _bins), on, off, SlotMask(slot, c));
                }
                break;
            case DenoiseMode.Speech:
                for (var c = 0; c < _outputChannels; c++) SpeechStep(m, slot, c);
                break;
            case DenoiseMode.NonStationary:
                var perFrame = _outputChannels * _bins;
                _nonStationary!.Masks(m).CopyTo(_ringMask.AsSpan(slot * perFrame, perFrame));
                break;
        }
    }

    /// <summary>
    /// Non-stationary: the spectra of frames [first, last] (the mask frames [maskFirst, maskLast] plus
    /// the smoother's settling) through <see cref="NonStationaryMask"/>, which then holds the masks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeNonStationaryMasks(SignalWindow window, StftGrid grid, long first, long last, long maskFirst, long maskLast)
    {
        var masks = _nonStationary!;
        var startFrames = masks.Begin(first, last, maskFirst, maskLast);
        for (var m = first; m < first + startFrames; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++) masks.AddToStart(c, SlotRe(0, c), SlotIm(0, c));
        }
        masks.EndStart();
        for (var m = first; m <= last; m++)
        {
            Spectrum(window, grid, m, slot: 0);
            for (var c = 0; c < _outputChannels; c++) masks.Forward(m, c, SlotRe(0, c), SlotIm(0, c));
        }
        masks.Backward();
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
                ElementWise.Multiply(re, gain, _re);
                ElementWise.Multiply(im, gain, _im);
            }
            _overlapAdd.Add(c, _re, _im);
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
            ElementWise.Multiply(SlotMask(SlotOf(f), c), _band, _mask);
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
        if (_options.Mode == DenoiseMode.NonStationary) ElementWise.ScaleOffset(mask, _options.Strength, 1 - _options.Strength);
        if (_band is not null) ElementWise.Multiply(mask, _band, mask);
        return mask;
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
