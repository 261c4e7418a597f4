using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// What clients built from the HTTP standards and from the API's own description rely on, against a real silo process
/// serving HTTP: HEAD beside GET, a callback for every submission that asked for one, an OpenAPI document that names the
/// fields the API really reads and writes.
/// </summary>
public sealed class HttpContractTests(HttpContractTests.Silo cluster, ITestOutputHelper output) : IClassFixture<HttpContractTests.Silo>
{
    /// <summary>A silo whose callbacks may go to loopback (the test's receiver) and whose rate limit stays out of the way.</summary>
    public sealed class Silo : GatewaySilo
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        private JsonElement? _completed;

        protected override string[] Configuration => ["--AudioGrains:Http:AllowPrivateCallbacks=true", "--AudioGrains:Http:RateLimitPermits=10000"];

        /// <summary>A job with a WAV output, completed: its JSON as GET /jobs/{id} gives it.</summary>
        public async Task<JsonElement> CompletedJobAsync()
        {
            await _once.WaitAsync();
            try
            {
                if (_completed is { } done) return done;
                var input = await TestAudio.ToneAsync(Dir.File("contract.wav"), 3, 440, 0.2, 16000);
                var id = await SubmitAsync(Http, await File.ReadAllBytesAsync(input), "contract.wav", ("output_format", "wav"));
                var job = await JobPolling.WaitEndedAsync(Http, id);
                Assert.Equal("completed", job.GetProperty("status").GetString());
                _completed = job;
                return job;
            }
            finally
            {
                _once.Release();
            }
        }
    }

    [Fact]
    public async Task Head_answers_every_read_route_with_the_headers_of_GET_and_no_body()
    {
        var job = await cluster.CompletedJobAsync();
        var id = job.GetProperty("id").GetString()!;
        var length = job.GetProperty("file_size_output").GetInt64();

        // A download's size, type, name and ranges, asked before fetching it.
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/jobs/{id}/download"));
        using var get = await cluster.Http.GetAsync($"/jobs/{id}/download");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(length, head.Content.Headers.ContentLength);
        Assert.Equal("audio/wav", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Content.Headers.ContentDisposition?.ToString(), head.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Contains("bytes", head.Headers.AcceptRanges);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var rangedHead = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/jobs/{id}/download") { Headers = { Range = new RangeHeaderValue(0, 9) } });
        Assert.Equal(HttpStatusCode.PartialContent, rangedHead.StatusCode);
        Assert.Equal(10, rangedHead.Content.Headers.ContentLength);
        Assert.Equal($"bytes 0-9/{length}", rangedHead.Content.Headers.ContentRange?.ToString());

        foreach (var path in new[] { $"/jobs/{id}", "/jobs?limit=1", $"/jobs/{id}/view", $"/jobs/{id}/loudness.svg", "/admin/stats" })
        {
            using var asked = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            using var got = await cluster.Http.GetAsync(path);
            output.WriteLine($"HEAD {path}: {(int)asked.StatusCode} {asked.Content.Headers.ContentType}");
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            Assert.Equal(got.Content.Headers.ContentType?.MediaType, asked.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await asked.Content.ReadAsByteArrayAsync());
        }

        // The errors are the GET's too.
        using var unknown = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/jobs/0123456789abcdef0123456789abcdef/download"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_submission_of_the_same_file_with_its_own_callback_url_gets_its_own_callback()
    {
        var port = FreePorts.Next();
        await using var receiver = CallbackReceiver.Start(port);

        // Two orchestrator tasks with the same recording, each to be told of its end at its own URL.
        var input = await File.ReadAllBytesAsync(await TestAudio.NoiseAsync(cluster.Dir.File("shared.wav"), 20, 0.1));
        var first = await SubmitAsync(cluster.Http, input, "task-1.wav", ("callback_url", $"http://127.0.0.1:{port}/task-1"));
        var second = await SubmitAsync(cluster.Http, input, "task-2.wav", ("callback_url", $"http://127.0.0.1:{port}/task-2"));
        // The same request as the first (same file, options and URL) is still done once.
        var repeat = await SubmitAsync(cluster.Http, input, "task-1.wav", ("callback_url", $"http://127.0.0.1:{port}/task-1"));
        Assert.Equal(first, repeat);

        foreach (var id in new[] { first, second })
            Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, id, TimeSpan.FromMinutes(2))).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && receiver.Received.Count < 2) await Task.Delay(200);
        await Task.Delay(1500); // a repeated delivery would come within this

        var got = receiver.Received.Select(r => (r.Path, JobId: JobDocumentId(r.Body))).ToArray();
        output.WriteLine($"jobs {first} {second}; callbacks: {string.Join(", ", got.Select(d => $"{d.Path} {d.JobId}"))}");
        Assert.Equal(new[] { ("/task-1", first) }, got.Where(d => d.Path == "/task-1"));
        Assert.Equal(new[] { ("/task-2", second) }, got.Where(d => d.Path == "/task-2"));
    }

    private static string JobDocumentId(byte[] json) => JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;

    [Fact]
    public async Task The_OpenAPI_document_names_the_fields_the_API_reads_and_writes()
    {
        var job = await cluster.CompletedJobAsync();
        using var document = JsonDocument.Parse(await cluster.Http.GetStringAsync("/openapi/v1.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        // The job JSON, its loudness report and each signal's figures: the same property names as the API writes.
        AssertDescribes(schemas, "JobDocument", job);
        var loudness = job.GetProperty("loudness");
        AssertDescribes(schemas, "LoudnessDocument", loudness);
        AssertDescribes(schemas, "SignalLoudness", loudness.GetProperty("output"));
        var size = schemas.GetProperty("JobDocument").GetProperty("properties").GetProperty("file_size_input").GetProperty("type");
        Assert.DoesNotContain("string", size.ValueKind == JsonValueKind.Array ? size.EnumerateArray().Select(t => t.GetString()).ToList() : new List<string?> { size.GetString() });

        // The form POST /jobs reads: the file and every string field, the file required.
        var form = document.RootElement.GetProperty("paths").GetProperty("/jobs").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        if (form.TryGetProperty("$ref", out var reference)) form = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        var fields = form.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        output.WriteLine($"form: {string.Join(", ", fields.Order())}");
        Assert.Equal(new[] { "file" }.Concat(JobForm.Fields).Order(), fields.Order());
        Assert.Equal("binary", form.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Contains("file", form.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        // The statuses a submission is answered with (BadRequestTests makes each of them), and an expired job's page.
        var post = document.RootElement.GetProperty("paths").GetProperty("/jobs").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "200", "202", "400", "409", "413", "415", "422", "429", "503", "507" })
            Assert.True(post.TryGetProperty(status, out _), $"POST /jobs does not document {status}");
        Assert.True(document.RootElement.GetProperty("paths").GetProperty("/jobs/{id}/view").GetProperty("get").GetProperty("responses").TryGetProperty("410", out _));
    }

    [Fact]
    public async Task A_file_name_with_an_escaped_quote_keeps_its_quote_to_the_download()
    {
        // Go's mime/multipart writes a quote in a quoted filename as a quoted pair (\"); curl and browsers write %22.
        var wav = await File.ReadAllBytesAsync(await TestAudio.ToneAsync(cluster.Dir.File("quoted.wav"), 1, 523, 0.2, 16000));
        var form = new MultipartBody()
            .Part("form-data; name=\"file\"; filename=\"Interview \\\"final\\\".wav\"", wav, "Content-Type: audio/wav")
            .Field("output_format", "flac");
        var response = await RawHttp.SendAsync(cluster.Silo.HttpAddress, RawRequest.Post(form));
        output.WriteLine($"{response.Status} {response.Body}");
        Assert.Equal(202, response.Status);
        var job = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("Interview \"final\".wav", job.GetProperty("filename").GetString());

        var id = job.GetProperty("id").GetString()!;
        Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, id)).GetProperty("status").GetString());
        using var download = await cluster.Http.GetAsync($"/jobs/{id}/download");
        Assert.Equal("Interview \"final\".flac", download.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task A_job_made_again_under_the_same_Idempotency_Key_has_another_ETag_so_a_resumed_download_starts_over()
    {
        var key = "etag-" + Guid.NewGuid().ToString("N");
        var first = await File.ReadAllBytesAsync(await TestAudio.ToneAsync(cluster.Dir.File("etag-1.wav"), 2, 300, 0.2, 16000));
        var id = await SubmitAsync(cluster.Http, first, "take.wav", key, ("output_format", "wav"));
        Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, id)).GetProperty("status").GetString());
        using var before = await cluster.Http.GetAsync($"/jobs/{id}/download");
        var oldTag = before.Headers.ETag!;

        // The job is deleted and the key used again for another recording: the same job id, another output.
        using var deleted = await cluster.Http.DeleteAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var second = await File.ReadAllBytesAsync(await TestAudio.ToneAsync(cluster.Dir.File("etag-2.wav"), 3, 700, 0.2, 16000));
        Assert.Equal(id, await SubmitAsync(cluster.Http, second, "take.wav", key, ("output_format", "wav")));
        Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, id)).GetProperty("status").GetString());

        // A client resuming its download of the first output must not get a piece of the second spliced onto it.
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}/download") { Headers = { Range = new RangeHeaderValue(100, null) } };
        resume.Headers.IfRange = new RangeConditionHeaderValue(oldTag);
        using var resumed = await cluster.Http.SendAsync(resume);
        output.WriteLine($"ETag before {oldTag}, after {resumed.Headers.ETag}; resumed: {(int)resumed.StatusCode}");
        Assert.NotEqual(oldTag, resumed.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(resumed.Content.Headers.ContentLength, (await resumed.Content.ReadAsByteArrayAsync()).LongLength);
    }

    [Theory]
    [InlineData("bytes={length}-")] // a resumed download that already has every byte
    [InlineData("bytes={length}-{more}")]
    [InlineData("bytes=-0")]
    public async Task A_range_outside_the_output_is_416_as_a_problem_with_the_length_in_Content_Range(string range)
    {
        var job = await cluster.CompletedJobAsync();
        var id = job.GetProperty("id").GetString()!;
        var length = job.GetProperty("file_size_output").GetInt64();
        var request = new RawRequest("GET", $"/jobs/{id}/download", [("Range", range.Replace("{length}", $"{length}").Replace("{more}", $"{length + 99}"))]);
        var response = await RawHttp.SendAsync(cluster.Silo.HttpAddress, request);
        output.WriteLine($"{range}: {response.Status} {response.Body}");

        Assert.Equal(416, response.Status);
        Assert.Equal($"bytes */{length}", response.Headers["Content-Range"]);
        Assert.Equal("application/problem+json", response.MediaType);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("invalid-request", problem.GetProperty("error_code").GetString());
        Assert.Equal(416, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Delete_also_deletes_the_saved_callback_message_that_copies_the_job_record()
    {
        // Nobody listens at the callback URL: the delivery stays pending, its message (the URL and the job's JSON) saved.
        var wav = await File.ReadAllBytesAsync(await TestAudio.ToneAsync(cluster.Dir.File("forget.wav"), 1, 610, 0.2, 16000));
        var url = $"http://127.0.0.1:{FreePorts.Next()}/nobody-listens";
        var id = await SubmitAsync(cluster.Http, wav, "forget-me.wav", ("callback_url", url));
        Assert.Equal("completed", (await JobPolling.WaitEndedAsync(cluster.Http, id)).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await SavedCallbackAsync(id)).Contains(url, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Contains(url, await SavedCallbackAsync(id), StringComparison.Ordinal);

        using var deleted = await cluster.Http.DeleteAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var left = await SavedCallbackAsync(id);
        output.WriteLine($"callback state of {id} after DELETE: \"{left}\"");
        Assert.DoesNotContain(url, left, StringComparison.Ordinal);
        Assert.DoesNotContain(id, left, StringComparison.Ordinal);
    }

    /// <summary>The saved state of a job's callback delivery in Redis, as text ("" when there is none).</summary>
    private async Task<string> SavedCallbackAsync(string id)
    {
        var keys = (await cluster.Redis.CommandAsync("--scan", "--pattern", $"*jobcallback/{id}*")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var saved = "";
        foreach (var key in keys) saved += await cluster.Redis.CommandAsync("HGET", key.Trim(), "data");
        return saved.Trim();
    }

    private void AssertDescribes(JsonElement schemas, string schema, JsonElement written)
    {
        var described = schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList();
        var actual = written.EnumerateObject().Select(p => p.Name).Order().ToList();
        output.WriteLine($"{schema}: described {string.Join(", ", described)}");
        Assert.Equal(actual, described);
    }

    private static Task<string> SubmitAsync(HttpClient http, byte[] input, string name, params (string Field, string Value)[] fields) =>
        SubmitAsync(http, input, name, null, fields);

    private static async Task<string> SubmitAsync(HttpClient http, byte[] input, string name, string? idempotencyKey, params (string Field, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(input) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", name } };
        foreach (var (field, value) in fields) form.Add(new StringContent(value), field);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }
}
