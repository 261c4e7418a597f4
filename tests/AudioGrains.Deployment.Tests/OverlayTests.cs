using System.Text;
using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>What distinguishes dev, prod and the external-Redis example.</summary>
public sealed class OverlayTests
{
    [Fact]
    public async Task Dev_runs_one_silo_that_serves_HTTP_with_the_in_cluster_Redis_and_no_autoscaling()
    {
        var dev = await Manifest.LoadAsync("overlays/dev");
        Assert.Equal(1, dev.Silos.Spec.Replicas);
        Assert.Contains(dev.SiloContainer.Env, e => e.Name == "AudioGrains__Http__Port" && e.Value == "8080");
        Assert.Single(dev.All<V1StatefulSet>(), s => s.Metadata.Name == "audiograins-redis");
        Assert.Empty(dev.All<V2HorizontalPodAutoscaler>());
        Assert.Equal("audiograins-dev", Assert.Single(dev.All<V1Namespace>()).Metadata.Name);
    }

    [Fact]
    public async Task Dev_generates_the_S3_Secret_from_placeholders_only()
    {
        var dev = await Manifest.LoadAsync("overlays/dev");
        var secret = dev.Generated<V1Secret>("audiograins-s3");
        Assert.Equal(["access-key-id", "bucket", "region", "secret-access-key", "service-url"], secret.Data.Keys.Order());
        var values = secret.Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
        Assert.EndsWith(".invalid", new Uri(values["service-url"]).Host, StringComparison.Ordinal);
        foreach (var key in new[] { "access-key-id", "secret-access-key", "bucket" })
            Assert.Contains("example", values[key], StringComparison.OrdinalIgnoreCase);
        // The silos refer to the generated (hash-suffixed) name.
        Assert.Equal(secret.Metadata.Name, dev.SiloContainer.Env.Single(e => e.Name == "AWS_ACCESS_KEY_ID").ValueFrom.SecretKeyRef.Name);
    }

    [Fact]
    public async Task Prod_leaves_the_silo_count_to_an_autoscaler_of_at_least_three()
    {
        var prod = await Manifest.LoadAsync("overlays/prod");
        // No replicas in the Deployment: `kubectl apply` must not reset what the autoscaler chose.
        Assert.Null(prod.Silos.Spec.Replicas);
        var hpa = Assert.Single(prod.All<V2HorizontalPodAutoscaler>());
        Assert.Equal(("Deployment", "audiograins-silo"), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.True(hpa.Spec.MinReplicas >= 3, $"minReplicas {hpa.Spec.MinReplicas}");
        Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        Assert.Contains(hpa.Spec.Metrics, m => m.Resource?.Name == "cpu");
        // Scaling down drains silos: one at a time.
        Assert.All(hpa.Spec.Behavior.ScaleDown.Policies, p => Assert.True(p.Type == "Pods" && p.Value == 1, $"{p.Type} {p.Value}"));
    }

    [Fact]
    public async Task Prod_disrupts_one_silo_at_a_time()
    {
        var prod = await Manifest.LoadAsync("overlays/prod");
        var pdb = Assert.Single(prod.All<V1PodDisruptionBudget>());
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
        Assert.True(Manifest.Matches(pdb.Spec.Selector, prod.Silos.Spec.Template.Metadata.Labels), "the budget selects the silos");
        Assert.False(Manifest.Matches(pdb.Spec.Selector, prod.Single<V1StatefulSet>("audiograins-redis").Spec.Template.Metadata.Labels), "not Redis");
    }

    [Fact]
    public async Task Prod_spreads_silos_over_nodes_and_zones()
    {
        var prod = await Manifest.LoadAsync("overlays/prod");
        var pod = prod.Silos.Spec.Template;
        var terms = pod.Spec.Affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        var term = Assert.Single(terms, t => t.PodAffinityTerm.TopologyKey == "kubernetes.io/hostname");
        Assert.True(Manifest.Matches(term.PodAffinityTerm.LabelSelector, pod.Metadata.Labels), "anti-affinity against the silos themselves");
        var spread = Assert.Single(pod.Spec.TopologySpreadConstraints, t => t.TopologyKey == "topology.kubernetes.io/zone");
        Assert.True(Manifest.Matches(spread.LabelSelector, pod.Metadata.Labels));
    }

    [Fact]
    public async Task Prod_expects_the_S3_Secret_from_the_operator_and_sizes_Redis_storage_up()
    {
        var prod = await Manifest.LoadAsync("overlays/prod");
        Assert.Empty(prod.All<V1Secret>());
        var claim = Assert.Single(prod.Single<V1StatefulSet>("audiograins-redis").Spec.VolumeClaimTemplates);
        Assert.Equal("20Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("redis", claim.Metadata.Labels["app.kubernetes.io/name"]);
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task The_in_cluster_Redis_keeps_an_append_only_file_on_its_claim(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var redis = manifest.All<V1StatefulSet>().SingleOrDefault(s => s.Metadata.Name == "audiograins-redis");
        if (redis is null)
        {
            Assert.Contains("external-redis", target, StringComparison.Ordinal);
            return;
        }
        var conf = manifest.Generated<V1ConfigMap>("audiograins-redis-config").Data["redis.conf"];
        var settings = conf.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Assert.Equal("yes", settings["appendonly"]);
        Assert.Equal("noeviction", settings["maxmemory-policy"]);
        var claim = Assert.Single(redis.Spec.VolumeClaimTemplates);
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);
        Assert.Equal(settings["dir"], Assert.Single(container.VolumeMounts, m => m.Name == claim.Metadata.Name).MountPath);
        var configMount = Assert.Single(container.VolumeMounts, m => m.Name == "config");
        Assert.Contains($"{configMount.MountPath}/redis.conf", container.Args);
        // The silos reach it by its Service.
        var address = manifest.Generated<V1ConfigMap>("audiograins-config").Data["redis"];
        Assert.Equal($"{redis.Spec.ServiceName}:{settings["port"]}", address);
    }

    [Fact]
    public async Task The_external_Redis_example_drops_the_in_cluster_Redis_and_opens_egress_to_it()
    {
        var manifest = await Manifest.LoadAsync("overlays/prod-external-redis");
        Assert.Empty(manifest.All<V1StatefulSet>());
        Assert.DoesNotContain(manifest.Objects, o => o.Metadata.Labels is { } labels && labels.TryGetValue("app.kubernetes.io/name", out var name) && name == "redis");
        var address = manifest.Generated<V1ConfigMap>("audiograins-config").Data["redis"];
        Assert.DoesNotContain("audiograins-redis", address, StringComparison.Ordinal);
        var external = new NetworkPolicies.Endpoint(new Dictionary<string, string>(), null, null);
        Assert.True(new NetworkPolicies(manifest).Allows(NetworkPolicies.Silo(manifest), external, 6379));
        // Everything else about prod stays.
        Assert.Single(manifest.All<V2HorizontalPodAutoscaler>());
        Assert.Single(manifest.All<V1PodDisruptionBudget>());
    }
}
