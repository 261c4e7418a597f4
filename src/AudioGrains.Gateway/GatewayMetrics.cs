using Prometheus;

namespace AudioGrains.Gateway;

/// <summary>
/// The HTTP API's own series on /metrics, beside what prometheus-net publishes of every System.Diagnostics.Metrics
/// meter in the process (Orleans', ASP.NET Core's, the runtime's).
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>POST /jobs answered with a job: accepted (a new job), joined (the same content and options as a live job), repeated (the same idempotency key).</summary>
    public Counter Submissions { get; } = Metrics.CreateCounter("audiograins_http_submissions_total", "Submissions answered with a job, by outcome", "outcome");

    public Counter UploadBytes { get; } = Metrics.CreateCounter("audiograins_http_upload_bytes_total", "Bytes of accepted uploads");

    public Counter DownloadBytes { get; } = Metrics.CreateCounter("audiograins_http_download_bytes_total", "Bytes of outputs served");
}
