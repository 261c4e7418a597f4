using System.Text.RegularExpressions;

namespace AudioGrains.Cluster.Tests;

/// <summary>Reads the silos' logs: which chunks were computed and segments encoded where, and what a resumed job found complete.</summary>
public static partial class ChunkLog
{
    [GeneratedRegex(@"Processed chunk (\d+) of job ([0-9a-f]+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"Reused chunk (\d+) of job ([0-9a-f]+)")]
    private static partial Regex ReusedPattern();

    [GeneratedRegex(@"Encoded segment (\d+) of job ([0-9a-f]+)")]
    private static partial Regex EncodedPattern();

    [GeneratedRegex(@"Job ([0-9a-f]+) resumed on silo \S+ in phase (\w+) with (?:chunks|segments) ([\d,\-]*) of (\d+) complete")]
    private static partial Regex ResumedPattern();

    public static IEnumerable<int> Processed(IEnumerable<string> lines, string jobId) => Matches(ProcessedPattern(), lines, jobId);

    public static IEnumerable<int> Encoded(IEnumerable<string> lines, string jobId) => Matches(EncodedPattern(), lines, jobId);

    public static IEnumerable<int> Reused(IEnumerable<string> lines, string jobId) => Matches(ReusedPattern(), lines, jobId);

    /// <summary>The chunks recorded complete when the job resumed after the crash, from the resumed line.</summary>
    public static HashSet<int>? CompleteAtResume(IEnumerable<string> lines, string jobId)
    {
        foreach (var line in lines)
        {
            var m = ResumedPattern().Match(line);
            if (!m.Success || m.Groups[1].Value != jobId) continue;
            var set = new HashSet<int>();
            foreach (var range in m.Groups[3].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = range.Split('-');
                var from = int.Parse(parts[0]);
                var to = parts.Length > 1 ? int.Parse(parts[1]) : from;
                for (var i = from; i <= to; i++) set.Add(i);
            }
            return set;
        }
        return null;
    }

    private static IEnumerable<int> Matches(Regex pattern, IEnumerable<string> lines, string jobId)
    {
        foreach (var line in lines)
        {
            var m = pattern.Match(line);
            if (m.Success && m.Groups[2].Value == jobId) yield return int.Parse(m.Groups[1].Value);
        }
    }
}
