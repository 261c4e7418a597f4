using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// Bad requests against a real silo process serving HTTP: each kind gets its 4xx as application/problem+json with the
/// error code, the silo keeps serving (a good submission right after it is accepted and can be polled), and nothing of
/// a refused request is left in storage (no upload blocks, no job folder but those of accepted jobs).
/// </summary>
public sealed class BadRequestTests(BadRequestTests.Silo cluster, ITestOutputHelper output) : IClassFixture<BadRequestTests.Silo>
{
    /// <summary>A silo whose rate limit stays out of the way: every row makes a few submissions.</summary>
    public sealed class Silo : GatewaySilo
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        private byte[]? _goodWav;
        private string? _jobWithoutOutput;

        protected override string[] Configuration => ["--AudioGrains:Http:RateLimitPermits=10000"];

        /// <summary>Ids of the jobs the tests had accepted: the only folders allowed under jobs/.</summary>
        public ConcurrentDictionary<string, bool> Accepted { get; } = new();

        /// <summary>One second of a tone, 16 kHz mono WAV: a file the service takes.</summary>
        public async Task<byte[]> GoodWavAsync() => _goodWav ??= await File.ReadAllBytesAsync(await TestAudio.ToneAsync(Dir.File("good.wav"), 1, 440, 0.3, 16000));

        /// <summary>An accepted job that will never have an output (its file is not audio): its download is not ready, whenever asked.</summary>
        public async Task<string> JobWithoutOutputAsync()
        {
            await _once.WaitAsync();
            try
            {
                return _jobWithoutOutput ??= await SubmitAsync(new MultipartBody().File("notes.wav", Encoding.ASCII.GetBytes(new string('x', 4096)))) ;
            }
            finally
            {
                _once.Release();
            }
        }

        /// <summary>Submits a form that must be accepted (202, or 200 for an idempotent repeat); the job's id.</summary>
        public async Task<string> SubmitAsync(MultipartBody form, params (string Name, string Value)[] headers)
        {
            var response = await RawHttp.SendAsync(Silo.HttpAddress, RawRequest.Post(form, headers));
            Assert.True(response.Status is 202 or 200, $"{response.Status}: {response.Body}");
            var id = JsonDocument.Parse(response.Body).RootElement.GetProperty("id").GetString()!;
            Accepted[id] = true;
            return id;
        }
    }

    /// <summary>One kind of bad request: what it is, the status and error code it must get, how to make it.</summary>
    public sealed record Kind(string Name, int Status, string Code, Func<Silo, Task<RawRequest>> Request);

    private static Func<Silo, Task<RawRequest>> Form(Func<byte[], MultipartBody> form, params (string, string)[] headers) =>
        async s => RawRequest.Post(form(await s.GoodWavAsync()), headers);

    private static Func<Silo, Task<RawRequest>> Get(string target) => _ => Task.FromResult(RawRequest.Get(target));

    private static Func<Silo, Task<RawRequest>> Body(string contentType, string body) =>
        _ => Task.FromResult(RawRequest.Post(contentType, Encoding.UTF8.GetBytes(body)));

    private static readonly Kind[] Table =
    [
        // The form
        new("no file field", 400, "invalid-request", Form(_ => new MultipartBody().Field("remove_noise", "true"))),
        new("empty file", 422, "empty-input", Form(_ => new MultipartBody().File("empty.wav", []))),
        new("file in another field", 400, "invalid-request", Form(wav => new MultipartBody().File("a.wav", wav, name: "audio"))),
        new("two files", 400, "invalid-request", Form(wav => new MultipartBody().File("a.wav", wav).File("b.wav", wav))),
        new("unknown field", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("colour", "blue"))),
        new("field given twice", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("convert_to_mono", "true").Field("convert_to_mono", "false"))),
        new("text field over 8 KB", 400, "invalid-request", Form(wav => new MultipartBody().Field("callback_url", "https://example.com/" + new string('a', 8200)).File("a.wav", wav))),
        new("text field not UTF-8", 400, "invalid-request", Form(wav => new MultipartBody().File("a.wav", wav).Field("denoise", [0xff, 0xfe, 0x41]))),
        new("part without Content-Disposition", 400, "invalid-request", Form(wav => new MultipartBody().Part(null, "true"u8.ToArray()).File("a.wav", wav))),
        // The options
        new("flag not a flag (remove_noise=maybe)", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("remove_noise", "maybe"))),
        new("target_lufs not a number", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("target_lufs", "loud"))),
        new("target_lufs out of range", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("target_lufs", "3"))),
        new("target_lufs not finite", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("target_lufs", "-Infinity"))),
        new("true_peak out of range", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("true_peak", "2"))),
        new("unknown output_format", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("output_format", "exe"))),
        new("unknown denoise mode", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("denoise", "maximum"))),
        new("callback_url not http(s) (ftp://)", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("callback_url", "ftp://example.com/done"))),
        new("callback_url not absolute", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("callback_url", "hooks/done"))),
        new("callback_url on loopback (refused by default)", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("callback_url", "http://127.0.0.1:9/done"))),
        new("callback_url on a private address", 400, "invalid-options", Form(wav => new MultipartBody().File("a.wav", wav).Field("callback_url", "http://10.1.2.3/done"))),
        // The file name
        new("file name with path traversal", 400, "invalid-request", Form(wav => new MultipartBody().File("../../etc/passwd", wav))),
        new("file name with a backslash path", 400, "invalid-request", Form(wav => new MultipartBody().File("..\\..\\boot.ini", wav))),
        new("file name with control characters", 400, "invalid-request", Form(wav => new MultipartBody().File("take\u0007one\u001b[2J.wav", wav))),
        new("file name with control characters (filename*)", 400, "invalid-request",
            Form(wav => new MultipartBody().Part("form-data; name=\"file\"; filename*=UTF-8''take%0Aone.wav", wav))),
        new("file name of 10 KB", 400, "invalid-request", Form(wav => new MultipartBody().File(new string('n', 10 * 1024) + ".wav", wav))),
        new("file without a name", 400, "invalid-request", Form(wav => new MultipartBody().File("", wav))),
        // The body
        new("JSON body", 415, "invalid-request", Body("application/json", "{\"file\":\"a.wav\"}")),
        new("text/plain body", 415, "invalid-request", Body("text/plain", "remove_noise=true")),
        new("no Content-Type", 415, "invalid-request", _ => Task.FromResult(new RawRequest("POST", "/jobs", [], "x"u8.ToArray()))),
        new("multipart without boundary", 400, "invalid-request", Body("multipart/form-data", "--x\r\n\r\n--x--\r\n")),
        new("multipart with a boundary over 70 characters", 400, "invalid-request", Body("multipart/form-data; boundary=" + new string('b', 71), "--x--\r\n")),
        new("multipart body without any boundary line", 400, "invalid-request", Body(MultipartBody.ContentType, "just some text")),
        new("truncated inside the file", 400, "invalid-request",
            async s => RawRequest.Post(MultipartBody.ContentType, new MultipartBody().Field("remove_noise", "true").File("a.wav", await s.GoodWavAsync()).Truncated(5000))),
        new("truncated inside a field after the file", 400, "invalid-request",
            async s => RawRequest.Post(MultipartBody.ContentType, new MultipartBody().File("a.wav", await s.GoodWavAsync()).Field("denoise", "stationary").Truncated(4))),
        // Idempotency keys
        new("Idempotency-Key with control characters", 400, "invalid-request", Form(wav => new MultipartBody().File("a.wav", wav), ("Idempotency-Key", "key\u0001one"))),
        new("Idempotency-Key over 200 characters", 400, "invalid-request", Form(wav => new MultipartBody().File("a.wav", wav), ("Idempotency-Key", new string('k', 201)))),
        new("Idempotency-Key given twice", 400, "invalid-request",
            Form(wav => new MultipartBody().File("a.wav", wav), ("Idempotency-Key", "first-key"), ("Idempotency-Key", "second-key"))),
        new("Idempotency-Key reused with other options", 409, "conflict", async s =>
        {
            // The key's first use: a file of its own (not the good request's, which the service would join to that job).
            var first = new MultipartBody().File("a.wav", [.. await s.GoodWavAsync(), .. "key"u8]).Field("remove_noise", "false");
            var key = ("Idempotency-Key", "reused-" + Guid.NewGuid().ToString("N"));
            await s.SubmitAsync(first, key);
            return RawRequest.Post(new MultipartBody().File("a.wav", [.. await s.GoodWavAsync(), .. "key"u8]).Field("remove_noise", "true"), key);
        }),
        // Job ids
        new("GET of an unknown job", 404, "not-found", Get("/jobs/0123456789abcdef0123456789abcdef")),
        new("download of an unknown job", 404, "not-found", Get("/jobs/0123456789abcdef0123456789abcdef/download")),
        new("job id ../x (raw)", 404, "not-found", Get("/jobs/../x")),
        new("job id ..%2Fx", 404, "not-found", Get("/jobs/..%2Fx/download")),
        new("job id %2e%2e", 404, "not-found", Get("/jobs/%2e%2e")),
        new("job id %2e%2e%2f%2e%2e%2fetc%2fpasswd", 404, "not-found", Get("/jobs/%2e%2e%2f%2e%2e%2fetc%2fpasswd/download")),
        new("job id of 4000 characters", 404, "not-found", Get("/jobs/" + new string('a', 4000))),
        new("job id with odd characters", 404, "not-found", Get("/jobs/a%20b;c%C0%AE'\"<>")),
        new("download of a job without output", 409, "not-ready", async s => RawRequest.Get($"/jobs/{await s.JobWithoutOutputAsync()}/download")),
        new("a method the route does not take", 405, "invalid-request", _ => Task.FromResult(new RawRequest("PUT", "/jobs/0123456789abcdef0123456789abcdef", [], []))),
    ];

    public static TheoryData<string> Kinds => new(Table.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Is_refused_with_its_problem_and_leaves_nothing_behind(string kind)
    {
        var row = Table.Single(k => k.Name == kind);
        var response = await RawHttp.SendAsync(cluster.Silo.HttpAddress, await row.Request(cluster));
        output.WriteLine($"{kind}: {response.Status} {response.Body}");

        Assert.Equal(row.Status, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(row.Code, problem.GetProperty("error_code").GetString());
        Assert.Equal(row.Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));

        // Nothing of the refused request is stored: no upload blocks, no job folder but accepted jobs'.
        Assert.Empty(cluster.StoredFiles("uploads"));
        Assert.All(cluster.StoredFiles("jobs"), f => Assert.Contains(f.Split(Path.DirectorySeparatorChar)[1], cluster.Accepted.Keys));

        // The silo keeps serving: a good submission right after is accepted and can be polled.
        Assert.False(cluster.Silo.HasExited);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await cluster.GoodWavAsync()) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "good.wav" },
            { new StringContent("yes"), "convert_to_mono" },
        };
        using var posted = await cluster.Http.PostAsync("/jobs", form);
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        cluster.Accepted[id] = true;
        using var polled = await cluster.Http.GetAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, polled.StatusCode);
        Assert.Empty(cluster.StoredFiles("uploads"));
    }
}
