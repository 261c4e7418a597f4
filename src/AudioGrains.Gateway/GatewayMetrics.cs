using Prometheus;

namespace AudioGrains.Gateway;

/// <summary>
/// The HTTP API's own series on /metrics, beside what prometheus-net publishes of every System.Diagnostics.Metrics
/// meter in the process (Orleans', ASP.NET Core's, the runtime's).
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The outcomes of <see cref="Submissions"/>.</summary>
    public static readonly string[] Outcomes = ["accepted", "joined", "repeated"];

    /// <summary>
    /// Every series is there from the gateway's start, at 0 (the gateway creates this at start): a series that first
    /// appears at 1 is an increment that rate() and increase() cannot see, so each new gateway pod lost its first
    /// submission of each outcome on the dashboard.
    /// </summary>
    public GatewayMetrics()
    {
        foreach (var outcome in Outcomes) Submissions.WithLabels(outcome);
    }

    /// <summary>POST /jobs answered with a job: accepted (a new job), joined (the same content and options as a live job), repeated (the same idempotency key).</summary>
    public Counter Submissions { get; } = Metrics.CreateCounter("audiograins_http_submissions_total", "Submissions answered with a job, by outcome", "outcome");

    public Counter UploadBytes { get; } = Metrics.CreateCounter("audiograins_http_upload_bytes_total", "Bytes of accepted uploads");

    public Counter DownloadBytes { get; } = Metrics.CreateCounter("audiograins_http_download_bytes_total", "Bytes of outputs served");
}
