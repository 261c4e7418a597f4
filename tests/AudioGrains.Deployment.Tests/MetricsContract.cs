using System.Text.RegularExpressions;

namespace AudioGrains.Deployment.Tests;

/// <summary>
/// The series the silos publish, as the operations contract names them (published; the silo side is checked against a
/// live scrape elsewhere). Rules and dashboards may use only these.
/// </summary>
public static partial class MetricsContract
{
    public static readonly IReadOnlySet<string> Plain = new HashSet<string>
    {
        "audiograins_jobs_submitted_total",
        "audiograins_jobs_completed_total",
        "audiograins_jobs_failed_total",
        "audiograins_jobs_dead_lettered_total",
        "audiograins_jobs_active",
        "audiograins_job_progress_age_seconds_max",
        "audiograins_chunk_failures_total",
        "audiograins_bytes_in_total",
        "audiograins_bytes_out_total",
        "audiograins_cluster_silos_active",
        "audiograins_temp_free_bytes",
        "audiograins_storage_free_bytes",
        "audiograins_dependency_circuit_open",
        "audiograins_http_submissions_total",
        "audiograins_http_upload_bytes_total",
        "audiograins_http_download_bytes_total",
    };

    /// <summary>Histograms: their series are NAME_bucket, NAME_sum and NAME_count; NAME alone is no series.</summary>
    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>
    {
        "audiograins_chunk_duration_seconds",
        "audiograins_job_realtime_factor",
    };

    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    [GeneratedRegex(@"\baudiograins_[a-z0-9_]+")]
    private static partial Regex SeriesName();

    /// <summary>The audiograins_* series names a PromQL expression selects.</summary>
    public static IEnumerable<string> SeriesNamesIn(string promql) => SeriesName().Matches(promql).Select(m => m.Value).Distinct();

    public static bool IsPublished(string series) =>
        Plain.Contains(series) || HistogramSuffixes.Any(s => series.EndsWith(s, StringComparison.Ordinal) && Histograms.Contains(series[..^s.Length]));

    /// <summary>The contract name a series belongs to (a histogram's series to the histogram).</summary>
    public static string ContractNameOf(string series) =>
        Plain.Contains(series) ? series : HistogramSuffixes.Where(s => series.EndsWith(s, StringComparison.Ordinal)).Select(s => series[..^s.Length]).FirstOrDefault(Histograms.Contains) ?? series;
}
