using System.Globalization;
using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>The human-readable report: one line per signal, then the gain.</summary>
public static class TextReport
{
    public static string Measurement(string label, LoudnessReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-7} {r.DurationSeconds,9:F2} s  {r.SampleRate,6} Hz  {r.Channels} ch  {Db(r.IntegratedLufs),8} LUFS  LRA {Db(r.LoudnessRangeLu),6} LU  true peak {Db(r.TruePeakDbtp),7} dBTP  sample peak {Db(r.SamplePeakDbfs),7} dBFS");

    public static string Normalization(JobReport report, double elapsedSeconds, string outputPath)
    {
        var lines = new List<string>
        {
            Measurement("input", report.Input),
            Measurement("output", report.Output),
            string.Create(CultureInfo.InvariantCulture,
                $"gain {report.GainDb:+0.00;-0.00;0.00} dB{(report.PeakLimited ? " (limited by the true-peak ceiling)" : "")}, {report.Chunks} chunks, {elapsedSeconds:F2} s -> {outputPath}"),
        };
        if (report.Note is not null) lines.Add($"note: {report.Note}");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>One input of a batch, one line: what it became, or why it failed.</summary>
    public static string BatchLine(BatchResult result) => result.Completed is { Report: { } report }
        ? string.Create(CultureInfo.InvariantCulture,
            $"ok      {result.Input} -> {result.Output}: {Db(report.Input.IntegratedLufs)} -> {Db(report.Output.IntegratedLufs)} LUFS, gain {report.GainDb:+0.00;-0.00;0.00} dB{(report.PeakLimited ? " (limited by the true-peak ceiling)" : "")}, {result.ElapsedSeconds:F2} s")
        : $"failed  {result.Input}: {result.ErrorCode}: {result.ErrorMessage}";

    private static string Db(double value) => double.IsFinite(value) ? value.ToString("F2", CultureInfo.InvariantCulture) : "-inf";
}
