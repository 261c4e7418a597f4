using System.Diagnostics.Metrics;

namespace AudioGrains.Gateway;

/// <summary>
/// The HTTP API's own instruments (meter "AudioGrains.Gateway"). They are System.Diagnostics.Metrics instruments like
/// Orleans' and the runtime's, so the one /metrics endpoint shows them all.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "AudioGrains.Gateway";

    private readonly Meter _meter = new(MeterName);

    public GatewayMetrics()
    {
        Submissions = _meter.CreateCounter<long>("audiograins_http_submissions", description: "POST /jobs answered, by outcome (accepted, joined, refused)");
        UploadBytes = _meter.CreateCounter<long>("audiograins_http_upload_bytes", "By", "Bytes of accepted uploads");
        DownloadBytes = _meter.CreateCounter<long>("audiograins_http_download_bytes", "By", "Bytes of outputs served");
    }

    public Counter<long> Submissions { get; }

    public Counter<long> UploadBytes { get; }

    public Counter<long> DownloadBytes { get; }

    public void Dispose() => _meter.Dispose();
}
