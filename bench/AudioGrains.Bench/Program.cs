using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run -c Release -- --filter *          all BenchmarkDotNet benchmarks (ShortRun job)
// dotnet run -c Release -- hour [minutes]      the spectral gate over 1 h (or minutes) of 16 kHz mono, timed once
// dotnet run -c Release -- gate                rough per-frame times of the gate's passes, without BenchmarkDotNet
// dotnet run -c Release -- meter [minutes]     the decode's input meter over 1 h of 44.1 kHz stereo, true-peak split off/on
// dotnet run -c Release -- quick               rough RealFft forward / inverse times
if (args.Length > 0 && args[0] == "gate")
{
    AudioGrains.Bench.QuickTimer.Gate();
    return;
}
if (args.Length > 0 && args[0] == "quick")
{
    AudioGrains.Bench.QuickTimer.Run();
    return;
}
if (args.Length > 0 && args[0] == "meter")
{
    AudioGrains.Bench.MeterPass.Run(args.Skip(1).ToArray());
    return;
}
if (args.Length > 0 && args[0] == "hour")
{
    AudioGrains.Bench.HourPass.Run(args.Skip(1).ToArray());
    return;
}
var config = DefaultConfig.Instance.AddJob(Job.ShortRun);
BenchmarkSwitcher.FromAssembly(typeof(AudioGrains.Bench.FftBenchmarks).Assembly).Run(args, config);
