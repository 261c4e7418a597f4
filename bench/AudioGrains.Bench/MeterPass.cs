using System.Diagnostics;
using AudioGrains.Dsp;

namespace AudioGrains.Bench;

/// <summary>
/// `dotnet run -c Release -- meter [minutes]`: the input meter of a decode (44.1 kHz stereo float, 1 MiB blocks as the
/// decoder hands them over) over one hour by default, timed with the true-peak split on and off, so the meter's share of
/// a decode step can be set against ffmpeg's own decode time.
/// </summary>
internal static class MeterPass
{
    private const int Rate = 44100;
    private const int Channels = 2;
    private const int BlockSamples = 1024 * 1024 / sizeof(float);

    public static void Run(string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var mono = SpeechLike.Generate(Rate, Rate * 60L, seed: 1);
        var block = new float[BlockSamples];
        var totalSamples = (long)(minutes * 60 * Rate) * Channels;
        foreach (var split in new[] { false, true, false, true })
        {
            var meter = new LoudnessMeter(Rate, Channels) { SplitTruePeak = split };
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            long n = 0;
            while (n < totalSamples)
            {
                var length = (int)Math.Min(BlockSamples, totalSamples - n);
                for (var i = 0; i < length; i += Channels)
                {
                    var v = (float)mono[(n + i) / Channels % mono.Length];
                    block[i] = v;
                    block[i + 1] = 0.9f * v;
                }
                meter.Add(block.AsSpan(0, length));
                n += length;
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            Console.WriteLine($"split true peak {split,-5}: {watch.Elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU for {minutes} min (incl. filling blocks), {meter.Result().IntegratedLufs:F2} LUFS");
        }
    }
}
