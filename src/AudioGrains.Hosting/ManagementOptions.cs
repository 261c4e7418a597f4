namespace AudioGrains.Hosting;

/// <summary>
/// The management listener, bound from section "AudioGrains:Management": /metrics and the health probes on a port of
/// their own, on every silo whether or not it serves the HTTP API, and never behind the API key (Prometheus and the
/// kubelet carry none). It listens on the silo's address; keep the port inside the cluster's network.
/// </summary>
public sealed record ManagementOptions
{
    public const string Section = "AudioGrains:Management";

    /// <summary>0: no management listener.</summary>
    public int Port { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535) yield return $"{Section}:Port {Port} is not a port";
    }
}
