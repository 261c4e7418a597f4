using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>
/// Evaluates the rendered NetworkPolicies the way the NetworkPolicy API defines them (policies add up; a pod selected by
/// none is open), for the selectors these manifests use. Endpoints outside the cluster match only ipBlock peers.
/// </summary>
public sealed class NetworkPolicies(Manifest manifest)
{
    /// <summary>A pod (labels, its namespace and that namespace's labels), or an address outside the cluster (no namespace).</summary>
    public sealed record Endpoint(IDictionary<string, string> PodLabels, string? Namespace, IDictionary<string, string>? NamespaceLabels)
    {
        public bool InCluster => Namespace is not null;
    }

    private readonly IReadOnlyList<V1NetworkPolicy> _policies = manifest.All<V1NetworkPolicy>().ToList();

    /// <summary>The namespace the manifest deploys into ("default" for the base, which sets none).</summary>
    public static string NamespaceOf(Manifest m) => m.Silos.Metadata.NamespaceProperty ?? "default";

    public static Endpoint Pod(Manifest m, IDictionary<string, string> labels) =>
        new(labels, NamespaceOf(m), new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = NamespaceOf(m) });

    public static Endpoint Silo(Manifest m) => Pod(m, m.Silos.Spec.Template.Metadata.Labels);

    public static Endpoint Redis(Manifest m) => Pod(m, m.Single<V1StatefulSet>("audiograins-redis").Spec.Template.Metadata.Labels);

    public bool Allows(Endpoint from, Endpoint to, int port, string protocol = "TCP") =>
        (!from.InCluster || Permits(from, isIngress: false, to, port, protocol))
        && (!to.InCluster || Permits(to, isIngress: true, from, port, protocol));

    private bool Permits(Endpoint subject, bool isIngress, Endpoint peer, int port, string protocol)
    {
        var direction = isIngress ? "Ingress" : "Egress";
        var selecting = _policies.Where(p => (p.Metadata.NamespaceProperty ?? "default") == subject.Namespace
            && Manifest.Matches(p.Spec.PodSelector, subject.PodLabels)
            && (p.Spec.PolicyTypes ?? ["Ingress"]).Contains(direction)).ToList();
        if (selecting.Count == 0) return true;
        return selecting.Any(policy =>
        {
            var policyNamespace = policy.Metadata.NamespaceProperty ?? "default";
            return isIngress
                ? (policy.Spec.Ingress ?? []).Any(r => PortsMatch(r.Ports, port, protocol) && PeersMatch(r.FromProperty, peer, policyNamespace))
                : (policy.Spec.Egress ?? []).Any(r => PortsMatch(r.Ports, port, protocol) && PeersMatch(r.To, peer, policyNamespace));
        });
    }

    private static bool PortsMatch(IList<V1NetworkPolicyPort>? ports, int port, string protocol) =>
        ports is null || ports.Count == 0 || ports.Any(p => (p.Protocol ?? "TCP") == protocol
            && (p.Port is null || (int.TryParse(p.Port.Value, out var number)
                ? number == port || (p.EndPort is { } end && port >= number && port <= end)
                : throw new NotSupportedException($"named port {p.Port.Value} in a NetworkPolicy"))));

    private static bool PeersMatch(IList<V1NetworkPolicyPeer>? peers, Endpoint peer, string policyNamespace) =>
        peers is null || peers.Count == 0 || peers.Any(p =>
        {
            if (p.IpBlock is not null) return !peer.InCluster;
            if (!peer.InCluster) return false;
            if (p.NamespaceSelector is not null)
                return Manifest.Matches(p.NamespaceSelector, peer.NamespaceLabels) && (p.PodSelector is null || Manifest.Matches(p.PodSelector, peer.PodLabels));
            return peer.Namespace == policyNamespace && Manifest.Matches(p.PodSelector, peer.PodLabels);
        });
}
