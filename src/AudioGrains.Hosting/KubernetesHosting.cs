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
    /// <summary>
    /// true: on even outside a pod (it still needs a pod's service-account token and API server to start); false: off
    /// even in a pod; unset: on when <see cref="InClusterVariable"/> is set.
    /// </summary>
    public const string EnabledKey = "AudioGrains:Kubernetes:Enabled";

    /// <summary>Set by the kubelet in every container of a pod.</summary>
    public const string InClusterVariable = "KUBERNETES_SERVICE_HOST";

    public static bool IsEnabled(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        var configured = configuration[EnabledKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return bool.TryParse(configured, out var enabled)
                ? enabled
                : throw new InvalidOperationException($"{EnabledKey} \"{configured}\" is not true or false");
        }
        return !string.IsNullOrEmpty((environment ?? Environment.GetEnvironmentVariable)(InClusterVariable));
    }

    /// <summary>Adds Orleans' Kubernetes hosting when <see cref="IsEnabled"/>, after checking it agrees with <paramref name="host"/>.</summary>
    public static ISiloBuilder UseAudioGrainsKubernetesHosting(this ISiloBuilder silo, IConfiguration configuration, AudioGrainsHostOptions host)
    {
        if (!IsEnabled(configuration)) return silo;
        var conflicts = Conflicts(host, Environment.GetEnvironmentVariable);
        if (conflicts.Count > 0)
            throw new InvalidOperationException($"Kubernetes hosting disagrees with the silo's configuration: {string.Join("; ", conflicts)}");
        return silo.UseKubernetesHosting();
    }

    /// <summary>Where the variables Kubernetes hosting reads (from <paramref name="environment"/>) contradict <paramref name="host"/>.</summary>
    public static IReadOnlyList<string> Conflicts(AudioGrainsHostOptions host, Func<string, string?> environment)
    {
        var conflicts = new List<string>();
        // The package advertises POD_IP only when no address is configured; ours always is, so the two must agree.
        var podIp = environment(KubernetesHostingOptions.PodIPEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(podIp)
            && !(IPAddress.TryParse(podIp, out var pod) && IPAddress.TryParse(host.Address, out var address) && pod.Equals(address)))
            conflicts.Add($"{KubernetesHostingOptions.PodIPEnvironmentVariable} is {podIp} but AudioGrains:Address is {host.Address} (set both from status.podIP)");

        // These would override ClusterOptions after ours are applied.
        var clusterId = environment(KubernetesHostingOptions.ClusterIdEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(clusterId) && clusterId != host.ClusterId)
            conflicts.Add($"{KubernetesHostingOptions.ClusterIdEnvironmentVariable} is \"{clusterId}\" but AudioGrains:ClusterId is \"{host.ClusterId}\"");
        var serviceId = environment(KubernetesHostingOptions.ServiceIdEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(serviceId) && serviceId != host.ServiceId)
            conflicts.Add($"{KubernetesHostingOptions.ServiceIdEnvironmentVariable} is \"{serviceId}\" but AudioGrains:ServiceId is \"{host.ServiceId}\"");
        return conflicts;
    }
}
