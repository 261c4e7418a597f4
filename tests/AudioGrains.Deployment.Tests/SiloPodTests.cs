using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>The silo pod against the operations contract and Orleans' Kubernetes hosting, in the base and every overlay.</summary>
public sealed class SiloPodTests
{
    /// <summary>The longest drain a silo does on SIGTERM (operations contract).</summary>
    private const int DrainSeconds = 30;

    /// <summary>How long joining a cluster whose membership still lists dead silos can take.</summary>
    private const int SlowJoinSeconds = 100;

    private static readonly Dictionary<string, int> ContractPorts = new()
    {
        ["silo"] = 11111, ["gateway"] = 30000, ["http"] = 8080, ["management"] = 9090,
    };

    private static readonly Dictionary<string, string> PortSettings = new()
    {
        ["silo"] = "AudioGrains__SiloPort", ["gateway"] = "AudioGrains__GatewayPort",
        ["http"] = "AudioGrains__Http__Port", ["management"] = "AudioGrains__Management__Port",
    };

    private static V1EnvVar Env(V1Container c, string name) =>
        c.Env.SingleOrDefault(e => e.Name == name) ?? throw new Xunit.Sdk.XunitException($"the silo has no {name}");

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Ports_are_the_contract_ports_and_the_configuration_says_the_same(string target)
    {
        var silo = (await Manifest.LoadAsync(target)).SiloContainer;
        foreach (var (name, number) in ContractPorts)
        {
            var port = Assert.Single(silo.Ports, p => p.Name == name);
            Assert.Equal(number, port.ContainerPort);
            Assert.Equal(number.ToString(System.Globalization.CultureInfo.InvariantCulture), Env(silo, PortSettings[name]).Value);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task The_pod_IP_name_and_namespace_come_from_the_downward_API_as_Kubernetes_hosting_reads_them(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var silo = manifest.SiloContainer;
        Assert.Equal("status.podIP", Env(silo, "POD_IP").ValueFrom.FieldRef.FieldPath);
        // The silo advertises AudioGrains:Address; Kubernetes hosting expects POD_IP: both the same field.
        Assert.Equal("status.podIP", Env(silo, "AudioGrains__Address").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.name", Env(silo, "POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", Env(silo, "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        // These would override the cluster's ids behind AudioGrains:ClusterId/ServiceId's back.
        Assert.DoesNotContain(silo.Env, e => e.Name is "ORLEANS_CLUSTER_ID" or "ORLEANS_SERVICE_ID");
        Assert.Equal("Redis", Env(silo, "AudioGrains__Mode").Value);
        Assert.Equal("json", Env(silo, "AudioGrains__Logging__Format").Value);
        foreach (var name in new[] { "AudioGrains__Redis", "AudioGrains__ClusterId", "AudioGrains__ServiceId" })
            Assert.NotNull(Env(silo, name).ValueFrom.ConfigMapKeyRef);
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Kubernetes_hosting_may_read_watch_and_label_pods_with_its_own_service_account(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var pod = manifest.Silos.Spec.Template.Spec;
        var account = manifest.Single<V1ServiceAccount>(pod.ServiceAccountName);
        Assert.True(pod.AutomountServiceAccountToken ?? account.AutomountServiceAccountToken ?? true, "the API token must be mounted");
        var binding = Assert.Single(manifest.All<V1RoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        var role = manifest.Single<V1Role>(binding.RoleRef.Name);
        var verbs = role.Rules.Where(r => r.ApiGroups.Contains("") && r.Resources.Contains("pods")).SelectMany(r => r.Verbs).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, verbs);
        Assert.DoesNotContain("delete", verbs);
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task S3_settings_and_credentials_come_from_a_Secret(string target)
    {
        var silo = (await Manifest.LoadAsync(target)).SiloContainer;
        Assert.Equal("S3", Env(silo, "AudioGrains__Storage").Value);
        foreach (var name in new[] { "AudioGrains__S3__ServiceUrl", "AudioGrains__S3__Bucket", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            var env = Env(silo, name);
            Assert.Null(env.Value);
            // Generated Secrets carry a hash suffix.
            Assert.Matches("^audiograins-s3(-[a-z0-9]{10})?$", env.ValueFrom.SecretKeyRef.Name);
            Assert.NotEqual(true, env.ValueFrom.SecretKeyRef.Optional);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Probes_use_the_health_paths_on_the_management_port(string target)
    {
        var silo = (await Manifest.LoadAsync(target)).SiloContainer;
        Assert.Equal("/health/live", silo.LivenessProbe.HttpGet.Path);
        Assert.Equal("/health/ready", silo.ReadinessProbe.HttpGet.Path);
        foreach (var probe in new[] { silo.LivenessProbe, silo.ReadinessProbe, silo.StartupProbe })
        {
            var port = probe.HttpGet.Port.Value;
            Assert.True(port == "management" || port == "9090", $"probe on port {port}");
        }
        var startup = silo.StartupProbe;
        var startupBudget = (startup.InitialDelaySeconds ?? 0) + (startup.PeriodSeconds ?? 10) * (startup.FailureThreshold ?? 3);
        Assert.True(startupBudget >= SlowJoinSeconds * 3 / 2, $"the startup probe gives up after {startupBudget} s; a slow join takes about {SlowJoinSeconds} s");
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task The_grace_period_covers_the_preStop_pause_and_the_drain(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var grace = manifest.Silos.Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30;
        var preStop = manifest.SiloContainer.Lifecycle?.PreStop ?? throw new Xunit.Sdk.XunitException("no preStop hook");
        var pause = preStop.Sleep?.Seconds ?? throw new Xunit.Sdk.XunitException("the preStop hook is not a sleep");
        Assert.True(grace >= pause + DrainSeconds + 10, $"grace {grace} s < preStop {pause} s + drain {DrainSeconds} s + 10 s to exit");
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Every_container_is_non_root_read_only_without_capabilities_and_sized(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        foreach (var (owner, template) in manifest.PodTemplates)
        {
            var pod = template.Spec.SecurityContext;
            foreach (var c in template.Spec.Containers.Concat(template.Spec.InitContainers ?? []))
            {
                var sc = c.SecurityContext ?? throw new Xunit.Sdk.XunitException($"{owner}/{c.Name}: no securityContext");
                var what = $"{owner}/{c.Name}";
                Assert.True(sc.RunAsNonRoot ?? pod?.RunAsNonRoot ?? false, $"{what}: runAsNonRoot");
                Assert.True((sc.RunAsUser ?? pod?.RunAsUser) is > 0, $"{what}: a numeric non-root user");
                Assert.True(sc.ReadOnlyRootFilesystem, $"{what}: readOnlyRootFilesystem");
                Assert.False(sc.AllowPrivilegeEscalation ?? true, $"{what}: allowPrivilegeEscalation");
                Assert.NotEqual(true, sc.Privileged);
                Assert.Equal(["ALL"], sc.Capabilities?.Drop ?? []);
                Assert.True((sc.Capabilities?.Add ?? []).Count == 0, $"{what}: adds capabilities");
                Assert.Equal("RuntimeDefault", (sc.SeccompProfile ?? pod?.SeccompProfile)?.Type);
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(c.Resources?.Requests?.ContainsKey(resource) ?? false, $"{what}: no {resource} request");
                    Assert.True(c.Resources?.Limits?.ContainsKey(resource) ?? false, $"{what}: no {resource} limit");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Every_path_the_silo_writes_is_on_an_emptyDir(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var silo = manifest.SiloContainer;
        var emptyDirs = manifest.Silos.Spec.Template.Spec.Volumes.Where(v => v.EmptyDir is not null).Select(v => v.Name).ToHashSet();
        var writable = silo.VolumeMounts.Where(m => emptyDirs.Contains(m.Name) && m.ReadOnlyProperty != true).Select(m => m.MountPath.TrimEnd('/') + "/").ToList();
        Assert.Contains("/tmp/", writable);
        foreach (var name in new[] { "AudioGrains__Processing__TempDirectory", "AudioGrains__S3__TempDirectory", "AudioGrains__DataDirectory" })
        {
            var path = Env(silo, name).Value;
            Assert.True(writable.Any(root => (path.TrimEnd('/') + "/").StartsWith(root, StringComparison.Ordinal)), $"{name}={path} is not on a writable emptyDir");
        }
        Assert.All(manifest.Silos.Spec.Template.Spec.Volumes.Where(v => v.EmptyDir is not null), v => Assert.NotNull(v.EmptyDir.SizeLimit));
    }

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task A_rolling_update_adds_a_silo_before_it_drains_one(string target)
    {
        var strategy = (await Manifest.LoadAsync(target)).Silos.Spec.Strategy;
        Assert.Equal("RollingUpdate", strategy.Type);
        Assert.Equal("0", strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.NotEqual("0", strategy.RollingUpdate.MaxSurge.Value);
    }
}
