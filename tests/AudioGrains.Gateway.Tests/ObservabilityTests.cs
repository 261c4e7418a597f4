using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// What an operator sees of a job on two silo processes: its log events, followed by its id across silos, carry the
/// silo, the caller's correlation id and the submitting request's trace; each silo's management port serves
/// Prometheus text without the API key, with the job, chunk, cluster and space series at plausible values.
/// </summary>
public sealed class ObservabilityTests(ObservedCluster cluster, ITestOutputHelper output) : IClassFixture<ObservedCluster>
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task A_jobs_logs_follow_it_across_silos_with_its_correlation_id_and_the_requests_trace()
    {
        // 12 chunks of 30 s, placed at random over two silos: all on one silo has a chance of 1 in 2048.
        var input = await TestAudio.LavfiAsync(cluster.Dir.File("long-tone.wav"), "sine=frequency=330:duration=360:sample_rate=16000", "-ac", "1");
        var (id, _) = await SubmitAsync(input, ("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"), ("X-Correlation-Id", "orchestrator-run-42"));
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id, TimeSpan.FromMinutes(2));
        Assert.Equal("completed", job.GetProperty("status").GetString());

        var events = cluster.Silos.SelectMany(s => s.Events.Where(e => e.JobId == id)).ToList();
        var chunks = events.Where(e => e.Template.StartsWith("Processed chunk", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{events.Count} events of job {id}; chunk events on {chunks.Select(e => e.Text("Silo")).Distinct().Count()} silos");
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Text("Silo")), $"no silo on: {e.Message}"));
        Assert.Equal(12, chunks.Select(e => e.Text("Chunk")).Distinct().Count());
        Assert.True(chunks.Select(e => e.Text("Silo")).Distinct().Count() >= 2, "the chunks' events came from one silo only");
        // The job's own events and its chunks' carry the caller's correlation id and continue the caller's trace.
        var jobEvents = events.Where(e => e.Text("SourceContext")?.StartsWith("AudioGrains.Grains", StringComparison.Ordinal) == true).ToList();
        Assert.All(jobEvents, e => Assert.Equal("orchestrator-run-42", e.Text("CorrelationId")));
        Assert.All(jobEvents, e => Assert.Equal(TraceId, e.TraceId));
        // So do the gateway's events of the request (a property, not only in the text): a query by CorrelationId finds
        // the upload that made the job.
        var gatewayEvents = events.Where(e => e.Text("SourceContext")?.StartsWith("AudioGrains.Gateway", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(gatewayEvents, e => e.Template.StartsWith("HTTP upload", StringComparison.Ordinal));
        Assert.All(gatewayEvents, e => Assert.Equal("orchestrator-run-42", e.Text("CorrelationId")));
        Assert.All(chunks, e => Assert.True(e.Has("Chunk")));
        // The events parse as compact JSON: every line a silo wrote while the job ran is one JSON object.
        Assert.All(cluster.Silos.SelectMany(s => s.RawLines).Where(l => l.Contains(id, StringComparison.Ordinal)), l => Assert.NotNull(LogEvent.Parse(l)));
    }

    [Fact]
    public async Task Every_silo_serves_metrics_on_its_management_port_without_the_key_with_plausible_values()
    {
        var input = await TestAudio.LavfiAsync(cluster.Dir.File("tone.wav"), "sine=frequency=440:duration=60:sample_rate=48000", "-ac", "2");
        var before = await ScrapeAllAsync();
        var (id, _) = await SubmitAsync(input);
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id, TimeSpan.FromMinutes(2));
        Assert.Equal("completed", job.GetProperty("status").GetString());

        // The API's port wants the key for /metrics; the management port does not, and serves nothing else.
        using (var anonymous = new HttpClient { BaseAddress = cluster.Gateway.HttpAddress })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        foreach (var silo in cluster.Silos)
        {
            using var management = ObservedCluster.Management(silo);
            Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/live")).StatusCode);
        }
        var after = await ScrapeAllAsync();
        foreach (var scrape in after)
        {
            Assert.Equal(2, scrape.Sum("audiograins_cluster_silos_active"));
            Assert.True(scrape.Sum("audiograins_temp_free_bytes") > 0);
            Assert.True(scrape.Sum("audiograins_storage_free_bytes") > 0);
            Assert.Equal(0, scrape.Sum("audiograins_jobs_active"));
            Assert.Equal(0, scrape.Sum("audiograins_job_progress_age_seconds_max"));
            // Orleans' own meters and the runtime's are there too.
            Assert.Contains(scrape.Names, n => n.StartsWith("microsoft_orleans_", StringComparison.Ordinal));
            Assert.Contains(scrape.Names, n => n.StartsWith("system_runtime_", StringComparison.Ordinal));
            Assert.Contains(scrape.Names, n => n.StartsWith("process_", StringComparison.Ordinal));
        }

        // What this job added, summed over the silos (other tests of the class may have run jobs before).
        double Added(string name, params (string, string)[] labels) => Total(after, name, labels) - Total(before, name, labels);
        output.WriteLine($"added: submitted {Added("audiograins_jobs_submitted_total")}, completed {Added("audiograins_jobs_completed_total")}, " +
            $"bytes in {Added("audiograins_bytes_in_total")}, out {Added("audiograins_bytes_out_total")}, " +
            $"process chunks {Added("audiograins_chunk_duration_seconds_count", ("kind", "process"))}, realtime factor {Added("audiograins_job_realtime_factor_sum"):F1}");
        Assert.Equal(1, Added("audiograins_jobs_submitted_total"));
        Assert.Equal(1, Added("audiograins_jobs_completed_total"));
        Assert.Equal(0, Added("audiograins_jobs_failed_total"));
        Assert.Equal(new FileInfo(input).Length, Added("audiograins_bytes_in_total"));
        Assert.Equal(new FileInfo(input).Length, Added("audiograins_http_upload_bytes_total"));
        Assert.Equal(job.GetProperty("file_size_output").GetInt64(), Added("audiograins_bytes_out_total"));
        // Two 30 s chunks, each timed once; 60 s of input took well under 60 s.
        Assert.Equal(2, Added("audiograins_chunk_duration_seconds_count", ("kind", "process")));
        Assert.True(Added("audiograins_chunk_duration_seconds_sum", ("kind", "process")) > 0);
        Assert.Equal(1, Added("audiograins_job_realtime_factor_count"));
        Assert.True(Added("audiograins_job_realtime_factor_sum") > 1);
        Assert.Equal(0, Added("audiograins_chunk_failures_total"));
    }

    [Fact]
    public async Task The_alert_rules_and_the_grafana_dashboard_use_only_series_the_silos_publish()
    {
        // A job that fails, so the failure counter (labelled by error code) has a series too.
        var broken = cluster.Dir.File("broken.wav");
        await File.WriteAllBytesAsync(broken, [.. Enumerable.Range(0, 20_000).Select(i => (byte)(i * 37 % 251))]);
        var (id, _) = await SubmitAsync(broken);
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id);
        Assert.Equal("failed", job.GetProperty("status").GetString());

        // And one that completes, so the histograms (chunk duration, realtime factor) have measurements.
        var good = await TestAudio.LavfiAsync(cluster.Dir.File("short.wav"), "sine=frequency=550:duration=20:sample_rate=16000", "-ac", "1");
        var (goodId, _) = await SubmitAsync(good);
        Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, goodId)).GetProperty("status").GetString());

        var failed = (await ScrapeAllAsync()).Sum(s => s.Sum("audiograins_jobs_failed_total", ("error_code", job.GetProperty("error_code").GetString()!)) ?? 0);
        Assert.Equal(1, failed);
        var usedBy = new Dictionary<string, HashSet<string>>();
        foreach (var file in new[] { "k8s/monitoring/audiograins-rules.yaml", "k8s/monitoring/grafana-dashboard.json" })
        {
            usedBy[file] = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, file)), @"\baudiograins_[a-z0-9_]+")
                .Select(m => m.Value).ToHashSet();
            output.WriteLine($"{file}: {usedBy[file].Count} series");
            Assert.NotEmpty(usedBy[file]);
        }

        // A job's end-of-job measurements (the realtime factor) are recorded just after its status says completed, so a
        // scrape right then can miss them: scrape again for a bounded while before calling a series unpublished.
        var published = new HashSet<string>();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(500))
        {
            published = (await ScrapeAllAsync()).SelectMany(s => s.Names).ToHashSet();
            if (usedBy.Values.All(used => used.IsSubsetOf(published)) || DateTime.UtcNow > deadline) break;
        }
        foreach (var (file, used) in usedBy)
            Assert.All(used, name => Assert.True(published.Contains(name), $"{file} uses {name}, which no silo publishes"));
    }

    private async Task<List<PrometheusScrape>> ScrapeAllAsync()
    {
        var scrapes = new List<PrometheusScrape>();
        foreach (var silo in cluster.Silos)
        {
            using var management = ObservedCluster.Management(silo);
            scrapes.Add(await PrometheusScrape.GetAsync(management));
        }
        return scrapes;
    }

    private static double Total(IEnumerable<PrometheusScrape> scrapes, string name, params (string, string)[] labels) =>
        scrapes.Sum(s => s.Sum(name, labels) ?? 0);

    [ChromiumFact]
    public async Task The_dashboard_is_behind_the_key_and_shows_both_silos_in_a_browser()
    {
        using var anonymous = new HttpClient { BaseAddress = cluster.Gateway.HttpAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:not-the-key"u8.ToArray()));
        var refused = await anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.StartsWith("Basic", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        // The browser sends the key as the Basic password, for the page and for every request its script makes.
        var url = $"http://ops:{ObservedCluster.Key}@127.0.0.1:{cluster.Gateway.HttpPort}/dashboard/#/silos";
        var dom = await HeadlessBrowser.Default().DumpDomAsync(url, scriptMilliseconds: 8000);
        Assert.Contains("Orleans Dashboard", dom, StringComparison.Ordinal);
        foreach (var silo in cluster.Silos)
            Assert.Contains($"127.0.0.1:{silo.SiloPort}@", dom, StringComparison.Ordinal);
    }

    private async Task<(string Id, JsonElement Job)> SubmitAsync(string path, params (string Header, string Value)[] headers)
    {
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(File.OpenRead(path)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", Path.GetFileName(path) },
            { new StringContent("wav"), "output_format" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = form };
        foreach (var (header, value) in headers) request.Headers.TryAddWithoutValidation(header, value);
        using var posted = await cluster.Http.SendAsync(request);
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, body);
        var job = JsonDocument.Parse(body).RootElement.Clone();
        return (job.GetProperty("id").GetString()!, job);
    }
}
