using System.Globalization;
using System.Text.RegularExpressions;

namespace AudioGrains.Testing;

/// <summary>An independent loudness measurement: ffmpeg's own ebur128 filter (its summary on stderr).</summary>
public sealed record Ebur128(double IntegratedLufs, double LoudnessRangeLu, double TruePeakDbtp)
{
    public static async Task<Ebur128> MeasureAsync(string path)
    {
        var result = await ProcessRunner.RunCheckedAsync("ffmpeg",
            ["-hide_banner", "-nostats", "-nostdin", "-i", path, "-filter_threads", "1", "-af", "ebur128=peak=true", "-f", "null", "-"]);
        var summary = result.StandardError[result.StandardError.LastIndexOf("Summary:", StringComparison.Ordinal)..];
        return new Ebur128(Value(summary, @"I:\s+(-?[\d.]+|-inf) LUFS"), Value(summary, @"LRA:\s+(-?[\d.]+) LU"), Value(summary, @"Peak:\s+(-?[\d.]+|-inf) dBFS"));
    }

    private static double Value(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        if (!m.Success) throw new InvalidDataException($"ebur128 summary lacks {pattern}: {text}");
        return m.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
