using System.Globalization;
using System.Text.RegularExpressions;

namespace AudioGrains.Testing;

/// <summary>RMS level (dBFS) of a file within a frequency band, measured independently by ffmpeg's filters.</summary>
public static class BandLevel
{
    /// <summary>Band edges in Hz; null for no edge. Each edge is a 4-pole filter (two 2-pole sections).</summary>
    public static async Task<double> RmsDbAsync(string path, double? lowHz, double? highHz, double? fromSeconds = null, double? toSeconds = null)
    {
        var filters = new List<string>();
        if (fromSeconds is not null || toSeconds is not null)
            filters.Add(TestAudio.F($"atrim=start={fromSeconds ?? 0}:end={toSeconds ?? 1e9}"));
        if (lowHz is { } low) filters.AddRange([TestAudio.F($"highpass=f={low}:poles=2"), TestAudio.F($"highpass=f={low}:poles=2")]);
        if (highHz is { } high) filters.AddRange([TestAudio.F($"lowpass=f={high}:poles=2"), TestAudio.F($"lowpass=f={high}:poles=2")]);
        filters.Add("astats=measure_perchannel=none:measure_overall=RMS_level");
        var result = await ProcessRunner.RunCheckedAsync("ffmpeg",
            ["-hide_banner", "-nostats", "-nostdin", "-i", path, "-filter_threads", "1", "-af", string.Join(',', filters), "-f", "null", "-"]);
        var m = Regex.Match(result.StandardError, @"RMS level dB: (-?[\d.]+|-inf)");
        if (!m.Success) throw new InvalidDataException($"astats printed no RMS level: {result.StandardError}");
        return m.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
