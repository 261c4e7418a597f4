using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>Who reaches whom under the rendered NetworkPolicies.</summary>
public sealed class NetworkPolicyTests
{
    private static readonly NetworkPolicies.Endpoint Internet = new(new Dictionary<string, string>(), null, null);

    private static NetworkPolicies.Endpoint Stranger(Manifest m) => NetworkPolicies.Pod(m, new Dictionary<string, string> { ["app"] = "something-else" });

    private static NetworkPolicies.Endpoint Prometheus(string ns) => new(
        new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, ns,
        new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns });

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Silos_reach_each_other_on_the_silo_and_gateway_ports_only_among_themselves(string target)
    {
        var m = await Manifest.LoadAsync(target);
        var policies = new NetworkPolicies(m);
        var silo = NetworkPolicies.Silo(m);
        Assert.NotEmpty(m.All<V1NetworkPolicy>());
        Assert.True(policies.Allows(silo, silo, 11111));
        Assert.True(policies.Allows(silo, silo, 30000));
        Assert.False(policies.Allows(Stranger(m), silo, 11111));
        Assert.False(policies.Allows(Stranger(m), silo, 30000));
        var client = NetworkPolicies.Pod(m, new Dictionary<string, string> { ["audiograins.io/orleans-client"] = "true" });
        Assert.True(policies.Allows(client, silo, 30000), "a labelled Orleans client reaches the gateway");
        Assert.False(policies.Allows(client, silo, 11111));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Clients_reach_HTTP_and_Prometheus_reaches_the_management_port(string target)
    {
        var m = await Manifest.LoadAsync(target);
        var policies = new NetworkPolicies(m);
        var silo = NetworkPolicies.Silo(m);
        Assert.True(policies.Allows(Stranger(m), silo, 8080));
        Assert.True(policies.Allows(Prometheus("monitoring"), silo, 9090));
        Assert.False(policies.Allows(Prometheus("somewhere-else"), silo, 9090));
        Assert.False(policies.Allows(Stranger(m), silo, 9090));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Silos_go_out_only_to_DNS_HTTPS_and_the_Kubernetes_API(string target)
    {
        var m = await Manifest.LoadAsync(target);
        var policies = new NetworkPolicies(m);
        var silo = NetworkPolicies.Silo(m);
        Assert.True(policies.Allows(silo, Internet, 53, "UDP"));
        Assert.True(policies.Allows(silo, Internet, 53, "TCP"));
        Assert.True(policies.Allows(silo, Internet, 443));
        Assert.True(policies.Allows(silo, Internet, 6443));
        Assert.False(policies.Allows(silo, Internet, 5432));
        Assert.False(policies.Allows(silo, Internet, 80));
        Assert.False(policies.Allows(silo, Stranger(m), 8080));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Only_silos_reach_the_in_cluster_Redis(string target)
    {
        var m = await Manifest.LoadAsync(target);
        if (!m.All<V1StatefulSet>().Any(s => s.Metadata.Name == "audiograins-redis")) return; // the external-Redis example
        var policies = new NetworkPolicies(m);
        var redis = NetworkPolicies.Redis(m);
        Assert.True(policies.Allows(NetworkPolicies.Silo(m), redis, 6379));
        Assert.False(policies.Allows(Stranger(m), redis, 6379));
        Assert.False(policies.Allows(redis, Internet, 443), "Redis goes nowhere");
        Assert.False(policies.Allows(NetworkPolicies.Silo(m), Internet, 6379), "no external Redis with the in-cluster one");
    }
}
