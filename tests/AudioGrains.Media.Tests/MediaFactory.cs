using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AudioGrains.Media.Tests;

/// <summary>Makes test media with ffmpeg's lavfi sources: no downloads, no fixtures in the repository.</summary>
public static class MediaFactory
{
    public static readonly FfmpegOptions Options = new() { FfmpegPath = "/usr/bin/ffmpeg", FfprobePath = "/usr/bin/ffprobe" };

    /// <summary>Runs ffmpeg (quiet, overwriting) and fails the test with its stderr when it fails.</summary>
    public static async Task FfmpegAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Options.FfmpegPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-loglevel", "error", "-y", .. arguments])
            startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(' ', arguments)} failed: {await stderr}");
    }

    /// <summary>A sine at <paramref name="amplitude"/> on every channel, as an f32 WAV.</summary>
    public static async Task<string> ToneAsync(string path, int sampleRate, int channels, double seconds,
        double frequency = 440, double amplitude = 0.5, params string[] outputArguments)
    {
        var expression = string.Join('|', Enumerable.Repeat(
            $"{F(amplitude)}*sin(2*PI*{F(frequency)}*t)", channels));
        string[] codec = outputArguments.Length > 0 ? outputArguments : ["-c:a", "pcm_f32le"];
        await FfmpegAsync(["-f", "lavfi", "-i", $"aevalsrc={expression}:s={sampleRate}:d={F(seconds)}", .. codec, path]);
        return path;
    }

    /// <summary>Reads the float samples of an f32 WAV with a tiny RIFF walker of its own, independent of the code under test.</summary>
    public static float[] ReadFloatWav(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "data") return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + 8, size)).ToArray();
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }

    public static float[] ReadRawFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    public static double RmsDb(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return 10 * Math.Log10(sum / samples.Length);
    }

    public static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
