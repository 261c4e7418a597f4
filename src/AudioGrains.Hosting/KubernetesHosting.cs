using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;

namespace AudioGrains.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting (Microsoft.Orleans.Hosting.Kubernetes) for a silo that runs in a pod: the silo is named
/// after its pod, and a few silos watch the pods so that a deleted pod's silo is declared dead at once instead of after
/// the missed membership probes. It reads POD_NAME, POD_NAMESPACE and POD_IP (set from the downward API by k8s/) and
/// would let ORLEANS_CLUSTER_ID / ORLEANS_SERVICE_ID override the cluster's ids; the silo refuses to start when those
/// disagree with AudioGrains:Address, ClusterId or ServiceId, because silos would then advertise or join something
/// other than what the rest of the configuration (and every other silo) says.
/// </summary>
public static class KubernetesHosting
{
    /// <summary>true: on even outside a pod; false: off even in a pod; unset: on when KUBERNETES_SERVICE_HOST is set.</summary>
    public const string EnabledKey = "AudioGrains:Kubernetes:Enabled";

    /// <summary>Set by the kubelet in every container of a pod.</summary>
    public const string InClusterVariable = "KUBERNETES_SERVICE_HOST";

    public static bool IsEnabled(IConfiguration configuration)
    {
        var configured = configuration[EnabledKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return bool.TryParse(configured, out var enabled)
                ? enabled
                : throw new InvalidOperationException($"{EnabledKey} \"{configured}\" is not true or false");
        }
        return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(InClusterVariable));
    }

    /// <summary>Adds Orleans' Kubernetes hosting when <see cref="IsEnabled"/>, after checking it agrees with <paramref name="host"/>.</summary>
    public static ISiloBuilder UseAudioGrainsKubernetesHosting(this ISiloBuilder silo, IConfiguration configuration, AudioGrainsHostOptions host)
    {
        if (!IsEnabled(configuration)) return silo;
        var conflicts = Conflicts(host).ToList();
        if (conflicts.Count > 0)
            throw new InvalidOperationException($"Kubernetes hosting disagrees with the silo's configuration: {string.Join("; ", conflicts)}");
        return silo.UseKubernetesHosting();
    }

    private static IEnumerable<string> Conflicts(AudioGrainsHostOptions host)
    {
        // The package advertises POD_IP only when no address is configured; ours always is, so the two must agree.
        var podIp = Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(podIp)
            && !(IPAddress.TryParse(podIp, out var pod) && IPAddress.TryParse(host.Address, out var address) && pod.Equals(address)))
            yield return $"{KubernetesHostingOptions.PodIPEnvironmentVariable} is {podIp} but AudioGrains:Address is {host.Address} (set both from status.podIP)";

        // These would override ClusterOptions after ours are applied.
        var clusterId = Environment.GetEnvironmentVariable(KubernetesHostingOptions.ClusterIdEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(clusterId) && clusterId != host.ClusterId)
            yield return $"{KubernetesHostingOptions.ClusterIdEnvironmentVariable} is \"{clusterId}\" but AudioGrains:ClusterId is \"{host.ClusterId}\"";
        var serviceId = Environment.GetEnvironmentVariable(KubernetesHostingOptions.ServiceIdEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(serviceId) && serviceId != host.ServiceId)
            yield return $"{KubernetesHostingOptions.ServiceIdEnvironmentVariable} is \"{serviceId}\" but AudioGrains:ServiceId is \"{host.ServiceId}\"";
    }
}
