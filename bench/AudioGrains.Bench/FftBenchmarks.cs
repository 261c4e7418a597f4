using System.Numerics;
using AudioGrains.Dsp;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace AudioGrains.Bench;

/// <summary>
/// One 1024-point frame, forward then inverse, per operation: MathNet's complex FFT (the real frame
/// as a complex array), MathNet's real FFT, and <see cref="RealFft"/>. All single-threaded.
/// </summary>
[MemoryDiagnoser]
public class FftBenchmarks
{
    private const int N = 1024;
    private readonly double[] _frame = new double[N];
    private readonly Complex[] _complex = new Complex[N];
    private readonly double[] _packed = new double[N + 2];
    private readonly double[] _re = new double[N / 2 + 1];
    private readonly double[] _im = new double[N / 2 + 1];
    private readonly double[] _out = new double[N];
    private RealFft _fft = null!;

    [GlobalSetup]
    public void Setup()
    {
        Control.UseManaged();
        Control.UseSingleThread();
        var random = new Random(1);
        for (var i = 0; i < N; i++) _frame[i] = random.NextDouble() * 2 - 1;
        _fft = new RealFft(N);
    }

    [Benchmark(Baseline = true, Description = "MathNet complex Forward+Inverse")]
    public double MathNetComplex()
    {
        for (var i = 0; i < N; i++) _complex[i] = new Complex(_frame[i], 0);
        Fourier.Forward(_complex, FourierOptions.NoScaling);
        Fourier.Inverse(_complex, FourierOptions.NoScaling);
        return _complex[1].Real;
    }

    [Benchmark(Description = "MathNet ForwardReal+InverseReal")]
    public double MathNetReal()
    {
        Array.Copy(_frame, _packed, N);
        Fourier.ForwardReal(_packed, N, FourierOptions.NoScaling);
        Fourier.InverseReal(_packed, N, FourierOptions.NoScaling);
        return _packed[1];
    }

    [Benchmark(Description = "RealFft Forward+Inverse")]
    public double AudioGrainsReal()
    {
        _fft.Forward(_frame, _re, _im);
        _fft.Inverse(_re, _im, _out);
        return _out[1];
    }

    [Benchmark(Description = "RealFft Forward")]
    public double AudioGrainsForward()
    {
        _fft.Forward(_frame, _re, _im);
        return _re[1];
    }
}
