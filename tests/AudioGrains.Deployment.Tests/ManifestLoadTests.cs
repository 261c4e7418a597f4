using k8s;
using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>Every kustomization renders, every document loads strictly, and the objects hang together.</summary>
public sealed class ManifestLoadTests
{
    [Fact]
    public void The_base_and_the_dev_and_prod_overlays_are_all_rendered()
    {
        Assert.Contains("base", Kustomize.Targets);
        Assert.Contains("overlays/dev", Kustomize.Targets);
        Assert.Contains("overlays/prod", Kustomize.Targets);
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Every_document_loads_strictly(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        Assert.NotEmpty(manifest.Objects);
        Assert.All(manifest.Objects, o => Assert.False(string.IsNullOrEmpty(o.Metadata?.Name), $"{o.Kind} without a name"));
        Assert.Single(manifest.All<V1Deployment>());
    }

    [Fact]
    public async Task Strict_loading_rejects_a_field_the_model_does_not_know()
    {
        var yaml = await Kustomize.RenderAsync("overlays/dev");
        Assert.Contains("revisionHistoryLimit:", yaml);
        var misspelt = yaml.Replace("revisionHistoryLimit:", "revisionHistoryLimits:", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Every_object_carries_the_common_labels(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        foreach (var o in manifest.Objects.Where(o => o is not V1Namespace || target != "base"))
        {
            var labels = o.Metadata.Labels ?? new Dictionary<string, string>();
            Assert.True(labels.TryGetValue("app.kubernetes.io/part-of", out var partOf) && partOf == "audiograins", $"{o.Kind}/{o.Metadata.Name}: part-of");
            Assert.True(labels.TryGetValue("app.kubernetes.io/managed-by", out var by) && by == "kustomize", $"{o.Kind}/{o.Metadata.Name}: managed-by");
            if (o is not V1Namespace)
                Assert.True(labels.ContainsKey("app.kubernetes.io/name"), $"{o.Kind}/{o.Metadata.Name}: app.kubernetes.io/name");
        }
        foreach (var (owner, template) in manifest.PodTemplates)
            Assert.True(template.Metadata.Labels.TryGetValue("app.kubernetes.io/part-of", out var p) && p == "audiograins", $"{owner}: pod labels");
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Selectors_select_their_own_pods_and_services_find_pods(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        foreach (var d in manifest.All<V1Deployment>())
            Assert.True(Manifest.Matches(d.Spec.Selector, d.Spec.Template.Metadata.Labels), $"Deployment/{d.Metadata.Name}");
        foreach (var s in manifest.All<V1StatefulSet>())
        {
            Assert.True(Manifest.Matches(s.Spec.Selector, s.Spec.Template.Metadata.Labels), $"StatefulSet/{s.Metadata.Name}");
            Assert.Equal(s.Spec.ServiceName, manifest.Single<V1Service>(s.Spec.ServiceName).Metadata.Name);
        }
        foreach (var service in manifest.All<V1Service>())
        {
            var selector = new V1LabelSelector { MatchLabels = service.Spec.Selector };
            var pods = manifest.PodTemplates.Where(p => Manifest.Matches(selector, p.Template.Metadata.Labels)).ToList();
            Assert.True(pods.Count > 0, $"Service/{service.Metadata.Name} selects no pods");
            foreach (var port in service.Spec.Ports)
            {
                var named = pods.SelectMany(p => p.Template.Spec.Containers).SelectMany(c => c.Ports ?? []).Where(p => p.Name == port.TargetPort.Value);
                Assert.True(named.Any(), $"Service/{service.Metadata.Name}: target port {port.TargetPort.Value} is no container port");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Referenced_ConfigMaps_and_Secrets_exist_with_their_keys(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var configMaps = manifest.All<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        var secrets = manifest.All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        foreach (var (owner, template) in manifest.PodTemplates)
        {
            foreach (var env in template.Spec.Containers.SelectMany(c => c.Env ?? []))
            {
                if (env.ValueFrom?.ConfigMapKeyRef is { } cm)
                {
                    Assert.True(configMaps.TryGetValue(cm.Name, out var map), $"{owner} {env.Name}: no ConfigMap {cm.Name}");
                    Assert.True(map.Data.ContainsKey(cm.Key), $"{owner} {env.Name}: ConfigMap {cm.Name} has no key {cm.Key}");
                }
                if (env.ValueFrom?.SecretKeyRef is { } sk)
                {
                    if (secrets.TryGetValue(sk.Name, out var secret))
                        Assert.True(sk.Optional == true || (secret.Data ?? new Dictionary<string, byte[]>()).ContainsKey(sk.Key) || (secret.StringData?.ContainsKey(sk.Key) ?? false),
                            $"{owner} {env.Name}: Secret {sk.Name} has no key {sk.Key}");
                    else
                        Assert.True(Manifest.ProvidedByOperator.Contains(sk.Name), $"{owner} {env.Name}: Secret {sk.Name} is neither rendered nor documented as the operator's");
                }
            }
            foreach (var volume in template.Spec.Volumes ?? [])
                if (volume.ConfigMap is { } cmv)
                    Assert.True(configMaps.ContainsKey(cmv.Name), $"{owner} volume {volume.Name}: no ConfigMap {cmv.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayData), MemberType = typeof(Kustomize))]
    public async Task An_overlay_puts_everything_in_its_restricted_namespace(string overlay)
    {
        var manifest = await Manifest.LoadAsync(overlay);
        var ns = Assert.Single(manifest.All<V1Namespace>());
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        foreach (var o in manifest.Objects.Where(o => o is not V1Namespace))
            Assert.True(o.Metadata.NamespaceProperty == ns.Metadata.Name, $"{o.Kind}/{o.Metadata.Name} is in \"{o.Metadata.NamespaceProperty}\", not {ns.Metadata.Name}");
        foreach (var binding in manifest.All<V1RoleBinding>())
            Assert.All(binding.Subjects.Where(s => s.Kind == "ServiceAccount"), s => Assert.Equal(ns.Metadata.Name, s.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task No_Service_is_exposed_outside_the_cluster(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        Assert.All(manifest.All<V1Service>(), s => Assert.True(s.Spec.Type is null or "ClusterIP", $"Service/{s.Metadata.Name} is {s.Spec.Type}"));
    }
}
