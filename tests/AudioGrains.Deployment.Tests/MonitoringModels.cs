using k8s;
using k8s.Models;

namespace AudioGrains.Deployment.Tests;

// Strict models of the Prometheus Operator's CRDs and of a Prometheus rules file, for KubernetesYaml: the fields these
// manifests use, so that a misspelt or misplaced field fails to load as it would for the built-in kinds.

/// <summary>A Prometheus rules file (rule_files), or the spec of a PrometheusRule.</summary>
public sealed class RuleFile
{
    public List<RuleGroup> Groups { get; set; } = [];
}

public sealed class RuleGroup
{
    public string Name { get; set; } = "";
    public string? Interval { get; set; }
    public List<Rule> Rules { get; set; } = [];
}

public sealed class Rule
{
    public string? Alert { get; set; }
    public string? Record { get; set; }
    public string Expr { get; set; } = "";
    public string? For { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
}

public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/PrometheusRule";
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public RuleFile Spec { get; set; } = new();
}

public sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/PodMonitor";
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class PodMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();
    public List<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class PodMetricsEndpoint
{
    public string? Port { get; set; }
    public string? Path { get; set; }
    public string? Interval { get; set; }
}

/// <summary>k8s/monitoring: the plain rules file, and the operator's objects rendered by kustomize.</summary>
public static class Monitoring
{
    public static string Folder => Path.Combine(Kustomize.K8sRoot, "monitoring");

    public static string RulesPath => Path.Combine(Folder, "audiograins-rules.yaml");

    public static string RuleTestsPath => Path.Combine(Folder, "tests", "audiograins-rules.test.yaml");

    public static string DashboardPath => Path.Combine(Folder, "grafana-dashboard.json");

    public static RuleFile LoadRulesFile() => KubernetesYaml.Deserialize<RuleFile>(File.ReadAllText(RulesPath), strict: true);

    public static async Task<IReadOnlyList<object>> LoadOperatorObjectsAsync()
    {
        var yaml = await Kustomize.RenderAsync("monitoring");
        var types = new Dictionary<string, Type> { [PrometheusRule.TypeKey] = typeof(PrometheusRule), [PodMonitor.TypeKey] = typeof(PodMonitor) };
        return KubernetesYaml.LoadAllFromString(yaml, types, strict: true);
    }
}
