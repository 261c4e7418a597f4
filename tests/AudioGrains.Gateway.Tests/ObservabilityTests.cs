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
        Assert.All(chunks, e => Assert.True(e.Has("Chunk")));
        // The events parse as compact JSON: every line a silo wrote while the job ran is one JSON object.
        Assert.All(cluster.Silos.SelectMany(s => s.RawLines).Where(l => l.Contains(id, StringComparison.Ordinal)), l => Assert.NotNull(LogEvent.Parse(l)));
    }

    [Fact]
    public async Task Every_silo_serves_metrics_on_its_management_port_without_the_key_with_plausible_values()
    {
        var input = await TestAudio.LavfiAsync(cluster.Dir.File("tone.wav"), "sine=frequency=440:duration=60:sample_rate=48000", "-ac", "2");
        var (id, _) = await SubmitAsync(input);
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id, TimeSpan.FromMinutes(2));
        Assert.Equal("completed", job.GetProperty("status").GetString());

        // The API's port wants the key for /metrics; the management port does not, and serves nothing else.
        using (var anonymous = new HttpClient { BaseAddress = cluster.Gateway.HttpAddress })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        var scrapes = new List<PrometheusScrape>();
        foreach (var silo in cluster.Silos)
        {
            using var management = ObservedCluster.Management(silo);
            Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/live")).StatusCode);
            var scrape = await PrometheusScrape.GetAsync(management);
            scrapes.Add(scrape);
            output.WriteLine(string.Join("\n", scrape.Samples.Where(x => x.Name.StartsWith("audiograins_", StringComparison.Ordinal) && !x.Name.EndsWith("_bucket", StringComparison.Ordinal))
                .Select(x => $"{silo.ProcessId} {x.Name}{{{string.Join(",", x.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {x.Value}")));
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

        double Total(string name, params (string, string)[] labels) => scrapes.Sum(s => s.Sum(name, labels) ?? 0);
        var inputBytes = new FileInfo(input).Length;
        var outputBytes = job.GetProperty("file_size_output").GetInt64();
        output.WriteLine($"submitted {Total("audiograins_jobs_submitted_total")}, completed {Total("audiograins_jobs_completed_total")}, " +
            $"bytes in {Total("audiograins_bytes_in_total")}, out {Total("audiograins_bytes_out_total")}, " +
            $"process chunks {Total("audiograins_chunk_duration_seconds_count", ("kind", "process"))}, realtime factor sum {Total("audiograins_job_realtime_factor_sum")}");
        // Every job of this cluster (this test's and any other of the class) was submitted over the gateway and completed.
        Assert.True(Total("audiograins_jobs_submitted_total") >= 1);
        Assert.Equal(Total("audiograins_jobs_submitted_total"), Total("audiograins_jobs_completed_total"));
        Assert.Equal(0, Total("audiograins_jobs_failed_total"));
        Assert.True(Total("audiograins_bytes_in_total") >= inputBytes);
        Assert.True(Total("audiograins_bytes_out_total") >= outputBytes);
        Assert.Equal(Total("audiograins_http_upload_bytes_total"), Total("audiograins_bytes_in_total"));
        // Two 30 s chunks of this job at least, each timed once; its realtime factor is above 1 (60 s took well under 60 s).
        Assert.True(Total("audiograins_chunk_duration_seconds_count", ("kind", "process")) >= 2);
        Assert.True(Total("audiograins_chunk_duration_seconds_sum", ("kind", "process")) > 0);
        var completed = Total("audiograins_job_realtime_factor_count");
        Assert.Equal(Total("audiograins_jobs_completed_total"), completed);
        Assert.True(Total("audiograins_job_realtime_factor_sum") / completed > 1);
    }

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
