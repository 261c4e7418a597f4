using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AudioGrains.Deployment.Tests;

/// <summary>The Grafana dashboard: importable with a Prometheus input, and its queries within the metrics contract.</summary>
public sealed class GrafanaDashboardTests
{
    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Monitoring.DashboardPath))?.AsObject() ?? throw new InvalidOperationException("empty dashboard");

    private static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().Select(p => p!.AsObject())
            .SelectMany(p => new[] { p }.Concat(p["panels"]?.AsArray().Select(c => c!.AsObject()) ?? []));

    private static IEnumerable<(string Panel, string Expr)> Queries(JsonObject dashboard)
    {
        foreach (var panel in Panels(dashboard))
            foreach (var target in panel["targets"]?.AsArray() ?? [])
                yield return ((string)panel["title"]!, (string)target!["expr"]!);
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            var query = variable!["query"];
            if (query is JsonObject o) yield return ($"${variable["name"]}", (string)o["query"]!);
            else if (query is not null) yield return ($"${variable["name"]}", (string)query!);
        }
    }

    [Fact]
    public void It_imports_with_a_Prometheus_datasource_input_used_by_every_panel_and_query()
    {
        var dashboard = Dashboard();
        var input = Assert.Single(dashboard["__inputs"]!.AsArray());
        Assert.Equal("DS_PROMETHEUS", (string)input!["name"]!);
        Assert.Equal("prometheus", (string)input["pluginId"]!);
        foreach (var panel in Panels(dashboard).Where(p => (string)p["type"]! != "row"))
        {
            Assert.Equal("${DS_PROMETHEUS}", (string)panel["datasource"]!["uid"]!);
            var targets = panel["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.Equal("${DS_PROMETHEUS}", (string)t!["datasource"]!["uid"]!));
        }
        var ids = Panels(dashboard).Select(p => (int)p["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Every_audiograins_series_it_queries_is_in_the_metrics_contract()
    {
        var used = Queries(Dashboard()).SelectMany(q => MetricsContract.SeriesNamesIn(q.Expr).Select(n => (q.Panel, Name: n))).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(MetricsContract.IsPublished(u.Name), $"panel \"{u.Panel}\": {u.Name} is not a series of the metrics contract"));
    }

    [Fact]
    public void It_shows_the_series_the_issue_lists()
    {
        var queries = Queries(Dashboard()).Select(q => q.Expr).ToList();
        var shown = queries.SelectMany(MetricsContract.SeriesNamesIn).Select(MetricsContract.ContractNameOf).ToHashSet();
        string[] wanted =
        [
            "audiograins_jobs_submitted_total", "audiograins_jobs_completed_total", "audiograins_jobs_failed_total",
            "audiograins_jobs_dead_lettered_total", "audiograins_jobs_active", "audiograins_chunk_duration_seconds",
            "audiograins_job_realtime_factor", "audiograins_bytes_in_total", "audiograins_bytes_out_total",
            "audiograins_cluster_silos_active", "audiograins_temp_free_bytes", "audiograins_storage_free_bytes",
            "audiograins_http_submissions_total",
        ];
        Assert.All(wanted, w => Assert.Contains(w, shown));
        Assert.Contains(queries, q => q.Contains("by (error_code)", StringComparison.Ordinal) && q.Contains("audiograins_jobs_failed_total", StringComparison.Ordinal));
        foreach (var quantile in new[] { "0.5", "0.95" })
            Assert.Contains(queries, q => q.StartsWith($"histogram_quantile({quantile}, ", StringComparison.Ordinal) && q.Contains("audiograins_chunk_duration_seconds_bucket", StringComparison.Ordinal));
    }

    [PromtoolFact]
    public async Task Promtool_parses_every_query()
    {
        // Grafana's variables replaced by values Prometheus accepts; each query becomes a recording rule to check.
        using var folder = new AudioGrains.Testing.TempFolder();
        var rules = new System.Text.StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var i = 0;
        foreach (var (_, expr) in Queries(Dashboard()).Where(q => !q.Expr.StartsWith("label_values(", StringComparison.Ordinal)))
        {
            var promql = expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal).Replace("$namespace", ".*", StringComparison.Ordinal);
            Assert.DoesNotMatch(new Regex(@"\$\w"), promql);
            rules.Append($"      - record: dashboard:query{i++}\n        expr: '{promql.Replace("'", "''", StringComparison.Ordinal)}'\n");
        }
        var file = folder.File("dashboard-rules.yaml");
        await File.WriteAllTextAsync(file, rules.ToString());
        var result = await Promtool.RunAsync("check", "rules", file);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains($"SUCCESS: {i} rules found", result.StandardOutput, StringComparison.Ordinal);
    }
}
