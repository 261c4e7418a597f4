using AudioGrains.Dsp;
using BenchmarkDotNet.Attributes;

namespace AudioGrains.Bench;

/// <summary>
/// One minute of 16 kHz mono (3 751 STFT frames of 1024, hop 256) through the spectral gate's
/// passes. OperationsPerInvoke makes the reported mean the time per STFT frame.
/// </summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private const int Rate = 16000;
    private const int Frames = 60 * Rate;
    private const int StftFrames = 1 + Frames / 256;

    private double[] _signal = null!;
    private double[] _output = null!;
    private SpectralGate _stationary = null!;
    private SpectralGate _nonStationary = null!;
    private SpectralGate _band = null!;
    private BinMaxima _maxima = null!;
    private NoiseProfile _noise = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signal = SpeechLike.Generate(Rate, Frames, seed: 1);
        _output = new double[Frames];
        _stationary = new SpectralGate(new SpectralGateOptions(), Rate, 1);
        _nonStationary = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.NonStationary }, Rate, 1);
        _band = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, BandLowHz = 80, BandHighHz = 7600 }, Rate, 1);
        var window = new SignalWindow(_signal, 1, 0, Frames);
        _maxima = _stationary.MeasureMaxima(window, 0, Frames);
        _noise = _stationary.MeasureNoise(window, 0, Frames, _maxima);
    }

    [Benchmark(OperationsPerInvoke = StftFrames, Description = "Stationary Process (per frame)")]
    public void StationaryProcess() =>
        _stationary.Process(new SignalWindow(_signal, 1, 0, Frames), 0, Frames, _maxima, _noise, _output);

    [Benchmark(OperationsPerInvoke = StftFrames, Description = "MeasureMaxima (per frame)")]
    public BinMaxima MeasureMaxima() => _stationary.MeasureMaxima(new SignalWindow(_signal, 1, 0, Frames), 0, Frames);

    [Benchmark(OperationsPerInvoke = StftFrames, Description = "MeasureNoise (per frame)")]
    public NoiseProfile MeasureNoise() => _stationary.MeasureNoise(new SignalWindow(_signal, 1, 0, Frames), 0, Frames, _maxima);

    [Benchmark(OperationsPerInvoke = StftFrames, Description = "NonStationary Process, whole minute (per frame)")]
    public void NonStationaryProcess() =>
        _nonStationary.Process(new SignalWindow(_signal, 1, 0, Frames), 0, Frames, null, null, _output);

    [Benchmark(OperationsPerInvoke = StftFrames, Description = "Off + voice band Process (per frame)")]
    public void BandProcess() =>
        _band.Process(new SignalWindow(_signal, 1, 0, Frames), 0, Frames, null, null, _output);
}
