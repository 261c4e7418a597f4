using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// What the old service lacked, seen over real HTTP: API keys, per-client rate limits with Retry-After, signed
/// completion callbacks, results that expire (410), idempotent submissions, the job list and the admin routes.
/// </summary>
public sealed class HardenedGatewayTests(ConfiguredGatewaySilo cluster, ITestOutputHelper output) : IClassFixture<ConfiguredGatewaySilo>
{
    [Fact]
    public async Task Without_a_valid_key_only_the_health_probes_answer()
    {
        using var none = await cluster.Http.GetAsync("/jobs?limit=5");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("unauthorized", await ErrorCodeOf(none));
        using var wrong = await Send(HttpMethod.Get, "/jobs?limit=5", "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var metrics = await cluster.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        using var live = await cluster.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await cluster.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var listed = await Send(HttpMethod.Get, "/jobs?limit=5", ConfiguredGatewaySilo.Key);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_Retry_After_and_other_clients_do_not()
    {
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= ConfiguredGatewaySilo.SubmissionsPerMinute && refused is null; i++)
        {
            // Requests the handler refuses still count against the client's rate.
            var response = await Send(HttpMethod.Post, "/jobs", ConfiguredGatewaySilo.OtherKey, new MultipartFormDataContent { { new StringContent("1"), "remove_noise" } });
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                response.Dispose();
            }
        }
        Assert.NotNull(refused);
        Assert.Equal("rate-limited", await ErrorCodeOf(refused!));
        var retryAfter = refused!.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value.TotalSeconds, 1, 60);
        refused.Dispose();
        using var other = await Send(HttpMethod.Post, "/jobs", ConfiguredGatewaySilo.Key, new MultipartFormDataContent { { new StringContent("1"), "remove_noise" } });
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Callback_is_signed_and_delivered_once_then_the_result_expires_with_410()
    {
        var port = FreePorts.Next();
        await using var receiver = CallbackReceiver.Start(port);

        var input = await TestAudio.ToneAsync(cluster.Dir.File("hook.wav"), 6, 330, 0.1, 16000);
        var id = await SubmitAsync(input, "hook.wav", ("callback_url", $"http://127.0.0.1:{port}/hook/done"), ("output_format", "wav"));
        var done = await WaitAsync(id, "completed");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && receiver.Received.Count == 0) await Task.Delay(200);
        await Task.Delay(1500); // a second delivery would come within this
        var got = receiver.Received.Select(r => (Signature: r.Header(CallbackHeaders.Signature) ?? "", r.Body)).ToArray();
        Assert.Single(got);
        Assert.True(CallbackSignature.Verify(GatewaySilo.SigningKey, got[0].Body, got[0].Signature), $"signature {got[0].Signature}");
        var posted = JsonDocument.Parse(got[0].Body).RootElement;
        Assert.Equal(id, posted.GetProperty("id").GetString());
        Assert.Equal("completed", posted.GetProperty("status").GetString());

        // The result lives 3 s here: then the job answers 410 with expires_at in the past, and the files are gone.
        var expiresAt = done.GetProperty("expires_at").GetDateTimeOffset();
        HttpResponseMessage? gone = null;
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (gone is null && DateTime.UtcNow < deadline)
        {
            var poll = await Send(HttpMethod.Get, $"/jobs/{id}", ConfiguredGatewaySilo.Key);
            if (poll.StatusCode == HttpStatusCode.Gone) gone = poll;
            else { poll.Dispose(); await Task.Delay(500); }
        }
        Assert.NotNull(gone);
        var problem = JsonDocument.Parse(await gone!.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("expired", problem.GetProperty("error_code").GetString());
        Assert.True(problem.GetProperty("expires_at").GetDateTimeOffset() < DateTimeOffset.UtcNow);
        Assert.Equal(expiresAt, problem.GetProperty("expires_at").GetDateTimeOffset());
        using var download = await Send(HttpMethod.Get, $"/jobs/{id}/download", ConfiguredGatewaySilo.Key);
        Assert.Equal(HttpStatusCode.Gone, download.StatusCode);
        Assert.Empty(cluster.StoredFiles($"jobs/{id}"));
        output.WriteLine($"job {id}: one signed callback, expired at {expiresAt:O}");
    }

    [Fact]
    public async Task The_same_Idempotency_Key_and_request_is_the_same_job_and_the_list_is_newest_first()
    {
        var input = await TestAudio.ToneAsync(cluster.Dir.File("idem.wav"), 4, 550, 0.1, 16000);
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(input, "idem.wav", key, ("output_format", "wav"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var again = await PostAsync(input, "idem.wav", key, ("output_format", "wav"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal(id, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());

        var later = await SubmitAsync(await TestAudio.ToneAsync(cluster.Dir.File("later.wav"), 4, 660, 0.1, 16000), "later.wav", ("output_format", "wav"));
        using var list = await Send(HttpMethod.Get, "/jobs?limit=2", ConfiguredGatewaySilo.Key);
        var ids = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();
        Assert.Equal([later, id], ids);

        using var stats = await Send(HttpMethod.Get, "/admin/stats", ConfiguredGatewaySilo.Key);
        var counts = JsonDocument.Parse(await stats.Content.ReadAsStringAsync()).RootElement;
        Assert.True(counts.GetProperty("total_jobs").GetInt32() >= 2);
        using var metrics = await Send(HttpMethod.Get, "/metrics", ConfiguredGatewaySilo.Key);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("audiograins_http_submissions", text, StringComparison.Ordinal);
        Assert.Contains("orleans", text, StringComparison.Ordinal);
    }

    private async Task<string> SubmitAsync(string path, string name, params (string Field, string Value)[] fields)
    {
        using var response = await PostAsync(path, name, null, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string name, string? idempotencyKey, params (string Field, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(path)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", name } };
        foreach (var (field, value) in fields) form.Add(new StringContent(value), field);
        var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = form };
        request.Headers.Add("X-API-Key", ConfiguredGatewaySilo.Key);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await cluster.Http.SendAsync(request);
    }

    private async Task<JsonElement> WaitAsync(string id, string expected)
    {
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id, sign: r => r.Headers.Add("X-API-Key", ConfiguredGatewaySilo.Key));
        Assert.Equal(expected, job.GetProperty("status").GetString());
        return job;
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-API-Key", key);
        return cluster.Http.SendAsync(request);
    }

    private static async Task<string?> ErrorCodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString();
}
