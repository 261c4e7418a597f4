using System.Text.Json;
using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>The alerting rules: complete, within the metrics contract, and the same in both forms.</summary>
public sealed class AlertRulesTests
{
    private static IEnumerable<Rule> Alerts(RuleFile file) => file.Groups.SelectMany(g => g.Rules).Where(r => r.Alert is not null);

    [Fact]
    public void Every_rule_is_an_alert_with_a_severity_a_summary_and_a_description()
    {
        var file = Monitoring.LoadRulesFile();
        Assert.NotEmpty(file.Groups);
        Assert.Equal(file.Groups.Count, file.Groups.Select(g => g.Name).Distinct().Count());
        var alerts = Alerts(file).ToList();
        Assert.Equal(alerts.Count, alerts.Select(a => a.Alert).Distinct().Count());
        foreach (var rule in file.Groups.SelectMany(g => g.Rules))
        {
            Assert.NotNull(rule.Alert);
            Assert.False(string.IsNullOrWhiteSpace(rule.Expr), $"{rule.Alert}: no expr");
            Assert.Contains(rule.Labels.GetValueOrDefault("severity"), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("summary")), $"{rule.Alert}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("description")), $"{rule.Alert}: no description");
        }
    }

    [Fact]
    public void The_alerts_the_issue_asks_for_watch_the_series_they_are_about()
    {
        var alerts = Alerts(Monitoring.LoadRulesFile()).ToDictionary(a => a.Alert!);
        void Watches(string alert, string series, string? forDuration = null)
        {
            Assert.True(alerts.TryGetValue(alert, out var rule), $"no alert {alert}");
            Assert.Contains(series, rule!.Expr, StringComparison.Ordinal);
            if (forDuration is not null) Assert.Equal(forDuration, rule.For);
        }
        Watches("AudioGrainsJobStalled", "audiograins_job_progress_age_seconds_max", "5m");
        Assert.Contains("> 600", alerts["AudioGrainsJobStalled"].Expr, StringComparison.Ordinal);
        Watches("AudioGrainsJobsDeadLettered", "audiograins_jobs_dead_lettered_total");
        Watches("AudioGrainsJobFailureRateHigh", "audiograins_jobs_failed_total");
        Watches("AudioGrainsJobFailureRateHigh", "audiograins_jobs_completed_total");
        Assert.Contains("> 0.1", alerts["AudioGrainsJobFailureRateHigh"].Expr, StringComparison.Ordinal);
        Assert.Contains("[15m]", alerts["AudioGrainsJobFailureRateHigh"].Expr, StringComparison.Ordinal);
        Watches("AudioGrainsSilosBelowDesired", "kube_deployment_status_replicas_available");
        Watches("AudioGrainsMembershipBelowDesired", "audiograins_cluster_silos_active");
        Watches("AudioGrainsTempSpaceLow", "audiograins_temp_free_bytes");
        Watches("AudioGrainsTempSpaceCritical", "audiograins_temp_free_bytes");
        Watches("AudioGrainsStorageSpaceLow", "audiograins_storage_free_bytes");
        Watches("AudioGrainsStorageSpaceCritical", "audiograins_storage_free_bytes");
    }

    [Fact]
    public void Every_audiograins_series_in_the_rules_is_in_the_metrics_contract()
    {
        var used = Alerts(Monitoring.LoadRulesFile()).SelectMany(r => MetricsContract.SeriesNamesIn(r.Expr)).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(MetricsContract.IsPublished(name), $"{name} is not a series of the metrics contract"));
    }

    [Fact]
    public async Task The_PrometheusRule_manifest_has_exactly_the_groups_of_the_rules_file()
    {
        var objects = await Monitoring.LoadOperatorObjectsAsync();
        var manifest = Assert.Single(objects.OfType<PrometheusRule>());
        Assert.Equal("PrometheusRule", manifest.Kind);
        // As kustomize renders it (it re-emits the YAML: a folded block with indented lines came out changed).
        static IEnumerable<(string Where, string Json)> Flat(RuleFile f) =>
            f.Groups.SelectMany(g => g.Rules.Select(r => ($"{g.Name}/{r.Alert ?? r.Record}", Canonical(r))).Prepend((g.Name, g.Interval ?? "")));
        var expected = Flat(Monitoring.LoadRulesFile()).ToList();
        var actual = Flat(manifest.Spec).ToList();
        Assert.Equal(expected.Select(e => e.Where), actual.Select(a => a.Where));
        foreach (var (e, a) in expected.Zip(actual))
            Assert.True(e.Json == a.Json, $"{e.Where} differs between audiograins-rules.yaml and the rendered PrometheusRule:\n{e.Json}\n{a.Json}");
    }

    [Fact]
    public async Task The_PodMonitor_scrapes_the_silos_management_port()
    {
        var objects = await Monitoring.LoadOperatorObjectsAsync();
        var monitor = Assert.Single(objects.OfType<PodMonitor>());
        var silos = (await Manifest.LoadAsync("base")).Silos.Spec.Template;
        Assert.True(Manifest.Matches(monitor.Spec.Selector, silos.Metadata.Labels), "the PodMonitor selects the silo pods");
        var endpoint = Assert.Single(monitor.Spec.PodMetricsEndpoints);
        Assert.Equal("/metrics", endpoint.Path);
        Assert.Equal(9090, Assert.Single(silos.Spec.Containers.Single(c => c.Name == "silo").Ports, p => p.Name == endpoint.Port).ContainerPort);
        Assert.Equal("9090", silos.Metadata.Annotations["prometheus.io/port"]);
    }

    /// <summary>A rule as JSON, maps in key order (kustomize sorts them).</summary>
    private static string Canonical(Rule r) => JsonSerializer.Serialize(new
    {
        r.Alert, r.Record, r.Expr, r.For,
        Labels = new SortedDictionary<string, string>(r.Labels, StringComparer.Ordinal),
        Annotations = new SortedDictionary<string, string>(r.Annotations, StringComparer.Ordinal),
    });

    [PromtoolFact]
    public async Task Promtool_accepts_the_rules_file()
    {
        var result = await Promtool.RunAsync("check", "rules", Monitoring.RulesPath);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains($"SUCCESS: {Alerts(Monitoring.LoadRulesFile()).Count()} rules found", result.StandardOutput, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public async Task Each_alert_fires_in_the_promtool_unit_tests_on_the_situation_it_names()
    {
        var result = await Promtool.RunAsync("test", "rules", Monitoring.RuleTestsPath);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        // Every alert has at least one check that expects it to fire (an alert_rule_test block with exp_labels).
        var checks = File.ReadAllText(Monitoring.RuleTestsPath).Split("- eval_time:").Skip(1);
        var expectedToFire = checks.Where(c => c.Contains("exp_labels:", StringComparison.Ordinal))
            .Select(c => c.Split("alertname:")[1].Split('\n')[0].Trim()).ToHashSet();
        foreach (var alert in Alerts(Monitoring.LoadRulesFile()))
            Assert.True(expectedToFire.Contains(alert.Alert!), $"no promtool test expects {alert.Alert} to fire");
    }
}
