using AudioGrains.Gateway;
using AudioGrains.Hosting;
using AudioGrains.Storage;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace AudioGrains.Deployment.Tests;

/// <summary>
/// The silo's configuration as a pod of the rendered manifests would see it (downward API, ConfigMaps, the Secrets that
/// are rendered), run through the silo's own options binding and its Kubernetes hosting check.
/// </summary>
public sealed class KubernetesHostingTests
{
    private const string PodIp = "10.42.3.17";
    private const string PodName = "audiograins-silo-7d9f8c6b5-x2x4q";

    /// <summary>The silo container's environment with every reference resolved; absent optional references are left out.</summary>
    private static Dictionary<string, string> PodEnvironment(Manifest manifest)
    {
        var ns = manifest.Silos.Metadata.NamespaceProperty ?? "default";
        var env = new Dictionary<string, string> { [KubernetesHosting.InClusterVariable] = "10.96.0.1" };
        foreach (var e in manifest.SiloContainer.Env)
        {
            string? value = e.Value;
            if (e.ValueFrom?.FieldRef is { } field)
                value = field.FieldPath switch
                {
                    "status.podIP" => PodIp,
                    "metadata.name" => PodName,
                    "metadata.namespace" => ns,
                    var other => throw new NotSupportedException($"fieldRef {other}"),
                };
            else if (e.ValueFrom?.ConfigMapKeyRef is { } cm)
                value = manifest.Single<V1ConfigMap>(cm.Name).Data[cm.Key];
            else if (e.ValueFrom?.SecretKeyRef is { } sk)
            {
                var secret = manifest.All<V1Secret>().SingleOrDefault(s => s.Metadata.Name == sk.Name);
                value = secret?.Data?.TryGetValue(sk.Key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
            }
            if (value is not null) env[e.Name] = value;
        }
        return env;
    }

    // What the environment configuration provider does with AudioGrains__Http__Port.
    private static IConfiguration Configuration(Dictionary<string, string> env) =>
        new ConfigurationBuilder().AddInMemoryCollection(env.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value))).Build();

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task The_silo_accepts_the_pods_configuration_and_Kubernetes_hosting_agrees_with_it(string target)
    {
        var manifest = await Manifest.LoadAsync(target);
        var env = PodEnvironment(manifest);
        var configuration = Configuration(env);

        var host = OptionsBinding.Bind<AudioGrainsHostOptions>(configuration, AudioGrainsHostOptions.Section, o => o.Validate());
        Assert.Equal(ClusterMode.Redis, host.Mode);
        Assert.Equal(BlobStorage.S3, host.Storage);
        Assert.Equal(PodIp, host.Address);
        Assert.Equal((11111, 30000), (host.SiloPort, host.GatewayPort));
        Assert.Equal(manifest.Generated<V1ConfigMap>("audiograins-config").Data["cluster-id"], host.ClusterId);
        var http = OptionsBinding.Bind<GatewayOptions>(configuration, GatewayOptions.Section, o => o.Validate());
        Assert.Equal(8080, http.Port);

        Assert.True(KubernetesHosting.IsEnabled(configuration, name => env.GetValueOrDefault(name)));
        Assert.Empty(KubernetesHosting.Conflicts(host, name => env.GetValueOrDefault(name)));
        Assert.Equal(PodName, env["POD_NAME"]);
    }

    [Fact]
    public async Task The_dev_placeholders_pass_the_silos_S3_validation()
    {
        var configuration = Configuration(PodEnvironment(await Manifest.LoadAsync("overlays/dev")));
        var s3 = OptionsBinding.Bind<S3StorageOptions>(configuration, AudioGrainsSilo.S3Section, o => o.Validate());
        Assert.Equal("/var/lib/audiograins/s3-buffer", s3.TempDirectory);
    }

    [Fact]
    public async Task An_ORLEANS_CLUSTER_ID_or_a_POD_IP_other_than_the_silos_is_refused()
    {
        var manifest = await Manifest.LoadAsync("overlays/prod");
        var env = PodEnvironment(manifest);
        var host = OptionsBinding.Bind<AudioGrainsHostOptions>(Configuration(env), AudioGrainsHostOptions.Section, o => o.Validate());

        env["ORLEANS_CLUSTER_ID"] = host.ClusterId + "-other";
        env["POD_IP"] = "10.42.3.18";
        var conflicts = KubernetesHosting.Conflicts(host, name => env.GetValueOrDefault(name));
        Assert.Equal(2, conflicts.Count);
        Assert.Contains(conflicts, c => c.StartsWith("POD_IP is 10.42.3.18 but AudioGrains:Address is 10.42.3.17", StringComparison.Ordinal));
        Assert.Contains(conflicts, c => c.StartsWith("ORLEANS_CLUSTER_ID", StringComparison.Ordinal));

        Assert.False(KubernetesHosting.IsEnabled(Configuration(new() { ["AudioGrains__Kubernetes__Enabled"] = "false" }), name => env.GetValueOrDefault(name)));
        Assert.Throws<InvalidOperationException>(() => KubernetesHosting.IsEnabled(Configuration(new() { ["AudioGrains__Kubernetes__Enabled"] = "yes" }), _ => null));
        Assert.False(KubernetesHosting.IsEnabled(Configuration([]), _ => null));
    }
}
