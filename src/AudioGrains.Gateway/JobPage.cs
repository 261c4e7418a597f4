using System.Net;
using System.Text;
using System.Text.Json;

namespace AudioGrains.Gateway;

/// <summary>A job as a small HTML page a person opens in a browser: its fields, the loudness chart once completed, the download link.</summary>
public static class JobPage
{
    public static string Render(JobDocument job)
    {
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var rows = new StringBuilder();
        foreach (var (name, value) in Fields(job)) rows.Append($"<tr><th>{e(name)}</th><td>{e(value)}</td></tr>");
        var chart = job.Status == "completed"
            ? $"<h2>Loudness</h2><img id=\"loudness\" src=\"/jobs/{e(job.Id)}/loudness.svg\" alt=\"short-term loudness before and after\" width=\"960\" height=\"420\">" +
              $"<p><a id=\"download\" href=\"/jobs/{e(job.Id)}/download\">Download the output</a></p>"
            : "";
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Job {{e(job.Id)}} — AudioGrains</title>
            <style>body{font-family:sans-serif;margin:2em;color:#222}th{text-align:left;padding-right:1em;color:#555}td{font-family:monospace}</style>
            </head><body><h1>{{e(job.Filename ?? job.Id)}}</h1><p id="status">{{e(job.Status)}} · {{job.Progress}}%</p>
            <table>{{rows}}</table>{{chart}}</body></html>
            """;
    }

    private static IEnumerable<(string, string?)> Fields(JobDocument job)
    {
        using var doc = JsonDocument.Parse(job.ToUtf8Json());
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null) continue;
            yield return (p.Name, p.Value.ToString());
        }
        if (job.Loudness is { } l)
        {
            yield return ("input loudness", $"{l.Input.IntegratedLufs} LUFS, true peak {l.Input.TruePeakDbtp} dBTP");
            yield return ("output loudness", $"{l.Output.IntegratedLufs} LUFS, true peak {l.Output.TruePeakDbtp} dBTP");
            yield return ("gain", $"{l.GainDb:F2} dB{(l.PeakLimited ? " (limited by the true-peak ceiling)" : "")}");
        }
    }
}
