using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioGrains.Dsp;

/// <summary>
/// noisereduce's mask smoothing: a 2-D triangle kernel, n_f bins either side in frequency and n_t
/// frames either side in time (n_f = int(smooth Hz / (sr / (n_fft/2))) — twice the bin width in the
/// denominator, as noisereduce has it — and n_t = int(smooth ms / (hop/sr·1000)); 16 and 3 at
/// 16 kHz), normalised to sum 1 and applied as a same-size convolution with zero boundary. The kernel
/// is the outer product of two triangles, so it runs as a time pass then a frequency pass. In
/// frequency the zero boundary is at bins 0 and n/2; in time it is at the first and last frame of
/// the whole signal only, which the caller arranges by leaving frames outside the grid out of the sum.
/// As in noisereduce, radii of 1 and 1 mean no smoothing at all; a radius of 0 (below one bin or one
/// hop, which noisereduce refuses) leaves that axis unsmoothed.
/// </summary>
internal sealed class MaskSmoother
{
    private readonly int _bins;
    private readonly double[] _timeWeights; // [2·n_t + 1], t = −n_t .. n_t
    private readonly double[] _padded;      // n_f zeros, the bins, n_f zeros
    private readonly double[] _box;         // the first box pass
    private readonly double[][] _partial;   // power-of-two partial sums, two in turn
    private readonly double[] _result;

    public MaskSmoother(int sampleRate, int fftSize, int hop, double freqSmoothHz, double timeSmoothMs, int bins)
    {
        // Python int() truncates toward zero; both ratios are >= 0.
        FrequencyRadius = (int)(freqSmoothHz / (sampleRate / (fftSize / 2.0)));
        TimeRadius = (int)(timeSmoothMs / (hop / (double)sampleRate * 1000));
        // noisereduce (base.py): n_grad_freq == 1 and n_grad_time == 1 switch the smoothing off, not a 3×3 triangle.
        if (FrequencyRadius == 1 && TimeRadius == 1) FrequencyRadius = TimeRadius = 0;
        _bins = bins;
        _timeWeights = Triangle(TimeRadius);
        // The box passes never touch an index past bins + 2·n_f.
        var room = bins + 2 * FrequencyRadius + 1;
        _padded = new double[room];
        _box = new double[room];
        _partial = [new double[room], new double[room]];
        _result = new double[room];
    }

    /// <summary>n_f: bins either side.</summary>
    public int FrequencyRadius { get; }

    /// <summary>n_t: frames either side.</summary>
    public int TimeRadius { get; }

    /// <summary>Weight of the frame <paramref name="offset"/> frames away (−n_t .. n_t), already normalised.</summary>
    public double TimeWeight(int offset) => _timeWeights[offset + TimeRadius];

    /// <summary>The triangle 1/(r+1), 2/(r+1), …, 1, …, 1/(r+1) (2r + 1 values) normalised to sum 1: (r + 1 − |i|)/(r + 1)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double[] Triangle(int radius)
    {
        var t = new double[2 * radius + 1];
        var norm = (double)(radius + 1) * (radius + 1);
        for (var i = -radius; i <= radius; i++) t[i + radius] = (radius + 1 - Math.Abs(i)) / norm;
        return t;
    }

    /// <summary>target += weight · source, bin by bin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double weight)
    {
        var vt = MemoryMarshal.Cast<double, Vector<double>>(target);
        var vs = MemoryMarshal.Cast<double, Vector<double>>(source);
        var w = new Vector<double>(weight);
        for (var i = 0; i < vt.Length; i++) vt[i] += w * vs[i];
        for (var i = vt.Length * Vector<double>.Count; i < target.Length; i++) target[i] += weight * source[i];
    }

    /// <summary>
    /// Frequency pass in place over one frame's bins, zero beyond bins 0 and n/2. The triangle of
    /// radius r is a box of r + 1 bins applied twice; each box sums power-of-two partial sums
    /// (P₂w[x] = P_w[x] + P_w[x + w]), a few vector additions per bin instead of 2r + 1 products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SmoothFrequency(Span<double> mask)
    {
        var r = FrequencyRadius;
        if (r == 0) return;
        mask[.._bins].CopyTo(_padded.AsSpan(r)); // zeros stay on both sides
        Box(_padded, _bins + r, _box);   // box[j] = Σ_{i<=r} padded[j + i]
        Box(_box, _bins, _result);       // result[k] = Σ_{i<=r} box[k + i] = Σ_{|i|<=r} (r + 1 − |i|)·m[k + i]
        var norm = 1.0 / ((double)(r + 1) * (r + 1));
        ref var source = ref MemoryMarshal.GetArrayDataReference(_result);
        ref var target = ref MemoryMarshal.GetReference(mask);
        var k = 0;
        var vn = new Vector<double>(norm);
        for (; k + Vector<double>.Count <= _bins; k += Vector<double>.Count)
            (Vector.LoadUnsafe(ref source, (nuint)k) * vn).StoreUnsafe(ref target, (nuint)k);
        for (; k < _bins; k++) Unsafe.Add(ref target, k) = Unsafe.Add(ref source, k) * norm;
    }

    /// <summary>target[x] = Σ_{i<=r} source[x + i] for x in [0, count), from the binary digits of r + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Box(double[] source, int count, double[] target)
    {
        var length = FrequencyRadius + 1;
        var span = count + FrequencyRadius; // source values that matter
        var current = source;
        var width = 1;    // current[x] = Σ_{i<width} source[x + i]
        var offset = 0;   // target[x] so far = Σ_{i<offset} source[x + i]
        var scratch = 0;
        while (true)
        {
            if ((length & 1) != 0)
            {
                if (offset == 0) current.AsSpan(0, count).CopyTo(target);
                else AddShifted(target, current, offset, count, target);
                offset += width;
            }
            length >>= 1;
            if (length == 0) return;
            var next = _partial[scratch];
            scratch ^= 1;
            AddShifted(current, current, width, span - 2 * width + 1, next);
            current = next;
            width *= 2;
        }
    }

    /// <summary>target[x] = a[x] + b[x + shift] for x in [0, count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddShifted(double[] a, double[] b, int shift, int count, double[] target)
    {
        ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rb = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), shift);
        ref var rt = ref MemoryMarshal.GetArrayDataReference(target);
        var x = 0;
        for (; x + Vector<double>.Count <= count; x += Vector<double>.Count)
            (Vector.LoadUnsafe(ref ra, (nuint)x) + Vector.LoadUnsafe(ref rb, (nuint)x)).StoreUnsafe(ref rt, (nuint)x);
        for (; x < count; x++) Unsafe.Add(ref rt, x) = Unsafe.Add(ref ra, x) + Unsafe.Add(ref rb, x);
    }
}
