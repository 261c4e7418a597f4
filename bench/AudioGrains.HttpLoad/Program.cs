using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

// bench (issue 9): a load driver for the HTTP API, an HTTP client like the orchestrators (it references nothing of ours).
//   1. builds N short WAV clips in memory, each a tone at its own frequency (distinct content, so the cluster does not
//      join them into one job), with one of four sets of form flags;
//   2. fires all N POST /jobs at once (spread over the gateways and API keys given) and records each status code,
//      whether a 429/503 carries Retry-After, and the latency;
//   3. polls every accepted (2xx) job through GET /jobs/{id} until it ends, within --deadline-s and --max-polls;
//   4. prints one JSON summary on stdout (progress goes to stderr).
// Exit 0: every accepted job completed, every refusal had Retry-After, no status other than 2xx/429/503.
// Exit 1: any of those failed. Exit 2: bad arguments.
var settings = Settings.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine("""
        usage: AudioGrains.HttpLoad --url http://HOST:PORT[,http://HOST:PORT...] [--requests N] [--keys K1,K2,...]
                                    [--clip-seconds S] [--deadline-s S] [--max-polls N] [--poll-interval-ms MS]
          --url               gateways; request i goes to gateway (i / keys) % gateways, and is polled through the next one
          --requests          concurrent submissions (default 300)
          --keys              API keys sent in X-API-Key, request i uses key i % keys (default: none)
          --clip-seconds      length of each generated clip (default 3)
          --deadline-s        whole run, submissions and polling (default 600)
          --max-polls         GET /jobs/{id} requests at most (default 20000)
          --poll-interval-ms  pause between polling rounds (default 1000)
        """);
    return 2;
}

var run = Stopwatch.StartNew();
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    ConnectTimeout = TimeSpan.FromSeconds(30),
    PooledConnectionLifetime = TimeSpan.FromMinutes(20),
})
{
    Timeout = TimeSpan.FromSeconds(120),
};

// --- 1. the clips and forms, built before the burst so that the requests leave together ---------------------------
var forms = new (Uri Gateway, string? Key, double Hz, Func<HttpContent> Content)[settings.Requests];
for (var i = 0; i < settings.Requests; i++)
{
    var hz = 180.0 + 7.0 * i;
    var wav = Clips.ToneWav(hz, settings.ClipSeconds, sampleRate: 16000);
    var flags = Clips.FlagsFor(i);
    var name = $"tone-{i:D4}-{hz:F0}hz.wav";
    var key = settings.Keys.Length > 0 ? settings.Keys[i % settings.Keys.Length] : null;
    var gateway = settings.Gateways[i / Math.Max(1, settings.Keys.Length) % settings.Gateways.Length];
    forms[i] = (gateway, key, hz, () =>
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, value) in flags) form.Add(new StringContent(value), field);
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", name);
        return form;
    });
}

// --- 2. the burst ---------------------------------------------------------------------------------------------------
var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var submissions = Enumerable.Range(0, settings.Requests).Select(i => SubmitAsync(i)).ToArray();
var burstStartedAt = DateTimeOffset.UtcNow;
var burst = Stopwatch.StartNew();
Console.Error.WriteLine($"load: {settings.Requests} submissions to {string.Join(", ", settings.Gateways.Select(g => g.ToString()))} with {settings.Keys.Length} key(s)");
go.SetResult();
var results = await Task.WhenAll(submissions);
var burstSeconds = burst.Elapsed.TotalSeconds;

async Task<Submission> SubmitAsync(int i)
{
    var (gateway, key, _, content) = forms[i];
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "jobs")) { Content = content() };
    if (key is not null) request.Headers.Add("X-API-Key", key);
    await go.Task;
    var clock = Stopwatch.StartNew();
    try
    {
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        var code = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter is { } ra ? ra.Delta?.TotalSeconds ?? (ra.Date - DateTimeOffset.UtcNow)?.TotalSeconds : null;
        string? jobId = null, problem = null;
        if (code is >= 200 and < 300) jobId = Json.String(body, "id");
        else problem = Json.String(body, "error_code") ?? Json.String(body, "detail") ?? Truncate(body);
        return new Submission(i, code, retryAfter, ms, jobId, problem);
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
    {
        return new Submission(i, 0, null, clock.Elapsed.TotalMilliseconds, null, $"{e.GetType().Name}: {e.Message}");
    }
}

var refused = results.Where(r => r.Status is 429 or 503).ToList();
var accepted = results.Where(r => r.Status is >= 200 and < 300).ToList();
var unexpected = results.Where(r => r.Status is not (>= 200 and < 300) and not 429 and not 503).ToList();
Console.Error.WriteLine($"load: burst done in {burstSeconds:F2} s: {accepted.Count} accepted, {refused.Count(r => r.Status == 429)} × 429, "
    + $"{refused.Count(r => r.Status == 503)} × 503, {unexpected.Count} other");

// --- 3. every accepted job to its end -----------------------------------------------------------------------------
var deadline = TimeSpan.FromSeconds(settings.DeadlineSeconds);
var tracked = accepted.Where(a => a.JobId is not null)
    .GroupBy(a => a.JobId!)
    .Select(g => new Tracked(g.Key, settings.Gateways[(g.First().Index / Math.Max(1, settings.Keys.Length) + 1) % settings.Gateways.Length],
        forms[g.First().Index].Key))
    .ToList();
var polls = 0;
var pollRefusals = 0;
var pollOther = new ConcurrentDictionary<string, int>();
var pending = tracked.ToList();
var lastReport = Stopwatch.StartNew();
while (pending.Count > 0 && run.Elapsed < deadline && Volatile.Read(ref polls) < settings.MaxPolls)
{
    var wait = TimeSpan.FromMilliseconds(settings.PollIntervalMs);
    var waitLock = new object();
    await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, ct) =>
    {
        if (Interlocked.Increment(ref polls) > settings.MaxPolls || run.Elapsed >= deadline) return;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(job.Gateway, $"jobs/{job.Id}"));
        if (job.Key is not null) request.Headers.Add("X-API-Key", job.Key);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var code = (int)response.StatusCode;
            switch (code)
            {
                case 200:
                    var status = Json.String(body, "status");
                    if (status == "completed")
                    {
                        job.Outcome = "completed";
                        job.EndedAt = Json.Time(body, "completed_at") ?? DateTimeOffset.UtcNow;
                    }
                    else if (status is "failed" or "cancelled" or "expired")
                    {
                        job.Outcome = status;
                        job.Detail = $"{Json.String(body, "error_code")}: {Json.String(body, "error_message")}";
                    }
                    break;
                case 404 or 410:
                    job.Outcome = "lost";
                    job.Detail = $"GET /jobs/{job.Id}: {code}";
                    break;
                case 429 or 503:
                    Interlocked.Increment(ref pollRefusals);
                    var after = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    lock (waitLock) if (after > wait) wait = after;
                    break;
                default:
                    pollOther.AddOrUpdate(code.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    break;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            pollOther.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
        }
    });
    pending = pending.Where(j => j.Outcome is null).ToList();
    if (lastReport.Elapsed > TimeSpan.FromSeconds(10))
    {
        Console.Error.WriteLine($"load: {run.Elapsed.TotalSeconds:F0} s: {tracked.Count - pending.Count} of {tracked.Count} jobs ended, {polls} polls");
        lastReport.Restart();
    }
    if (pending.Count == 0) break;
    var left = deadline - run.Elapsed;
    if (left <= TimeSpan.Zero) break;
    await Task.Delay(wait < left ? wait : left);
}

// --- 4. the summary -----------------------------------------------------------------------------------------------
var completed = tracked.Where(t => t.Outcome == "completed").ToList();
var failed = tracked.Where(t => t.Outcome is "failed" or "cancelled" or "expired").ToList();
var lost = tracked.Where(t => t.Outcome is null or "lost").ToList();
var refusalsWithoutRetryAfter = refused.Count(r => r.RetryAfterSeconds is null);
double? allCompletedSeconds = completed.Count == tracked.Count && completed.Count > 0
    ? completed.Max(t => (t.EndedAt!.Value - burstStartedAt).TotalSeconds)
    : null;
var lastCompletedSeconds = completed.Count > 0 ? completed.Max(t => (t.EndedAt!.Value - burstStartedAt).TotalSeconds) : (double?)null;
var ok = lost.Count == 0 && failed.Count == 0 && refusalsWithoutRetryAfter == 0 && unexpected.Count == 0 && accepted.All(a => a.JobId is not null);

var summary = new
{
    requests = settings.Requests,
    gateways = settings.Gateways.Select(g => g.ToString()).ToArray(),
    clients = Math.Max(1, settings.Keys.Length),
    clip_seconds = settings.ClipSeconds,
    status_counts = results.GroupBy(r => r.Status == 0 ? "no_response" : r.Status.ToString(CultureInfo.InvariantCulture))
        .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
    refusals_have_retry_after = refusalsWithoutRetryAfter == 0,
    refusals_without_retry_after = refusalsWithoutRetryAfter,
    retry_after_s = refused.Where(r => r.RetryAfterSeconds is not null)
        .GroupBy(r => r.Status.ToString(CultureInfo.InvariantCulture))
        .ToDictionary(g => g.Key, g => g.Select(r => r.RetryAfterSeconds!.Value).Distinct().Order().ToArray()),
    unexpected = unexpected.Take(10).Select(u => new { index = u.Index, status = u.Status, problem = u.Problem }).ToArray(),
    submit = new
    {
        seconds = Math.Round(burstSeconds, 3),
        requests_per_s = Math.Round(settings.Requests / burstSeconds, 1),
        latency_ms = Stats.Of(results.Select(r => r.LatencyMs)),
        accepted_latency_ms = Stats.Of(accepted.Select(r => r.LatencyMs)),
        refused_latency_ms = Stats.Of(refused.Select(r => r.LatencyMs)),
    },
    accepted = new
    {
        responses = accepted.Count,
        jobs = tracked.Count,
        completed = completed.Count,
        failed = failed.Count,
        lost = lost.Count,
        failures = failed.Concat(lost).Take(10).Select(t => new { id = t.Id, outcome = t.Outcome ?? "not ended by the deadline", detail = t.Detail }).ToArray(),
    },
    completion = new
    {
        all_completed_s = allCompletedSeconds is { } s ? Math.Round(s, 2) : (double?)null,
        last_completed_s = lastCompletedSeconds is { } l ? Math.Round(l, 2) : (double?)null,
        jobs_per_s = lastCompletedSeconds is > 0 ? Math.Round(completed.Count / lastCompletedSeconds.Value, 2) : (double?)null,
    },
    polls = new { requests = Math.Min(polls, settings.MaxPolls), refused = pollRefusals, other = pollOther.ToDictionary() },
    wall_s = Math.Round(run.Elapsed.TotalSeconds, 1),
    ok,
};
Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
return ok ? 0 : 1;

static string Truncate(string s) => s.Length > 200 ? s[..200] : s;

internal sealed record Submission(int Index, int Status, double? RetryAfterSeconds, double LatencyMs, string? JobId, string? Problem);

internal sealed class Tracked(string id, Uri gateway, string? key)
{
    public string Id { get; } = id;
    public Uri Gateway { get; } = gateway;
    public string? Key { get; } = key;
    public string? Outcome { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

internal sealed record Settings(Uri[] Gateways, int Requests, string[] Keys, double ClipSeconds, int DeadlineSeconds, int MaxPolls, int PollIntervalMs)
{
    public static Settings? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) return null;
            values[args[i][2..]] = args[++i];
        }
        if (!values.TryGetValue("url", out var urls)) return null;
        var gateways = new List<Uri>();
        foreach (var u in urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(u.EndsWith('/') ? u : u + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
            gateways.Add(uri);
        }
        int Int(string name, int fallback, int min, int max) =>
            values.TryGetValue(name, out var v) ? int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : -1 : fallback;
        var requests = Int("requests", 300, 1, 100_000);
        var deadline = Int("deadline-s", 600, 1, 24 * 3600);
        var maxPolls = Int("max-polls", 20_000, 1, 10_000_000);
        var interval = Int("poll-interval-ms", 1000, 10, 60_000);
        var clip = values.TryGetValue("clip-seconds", out var c) ? double.TryParse(c, CultureInfo.InvariantCulture, out var d) && d is >= 0.1 and <= 60 ? d : -1 : 3;
        var keys = values.TryGetValue("keys", out var k) ? k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        if (gateways.Count == 0 || requests < 0 || deadline < 0 || maxPolls < 0 || interval < 0 || clip < 0) return null;
        return new Settings([.. gateways], requests, keys, clip, deadline, maxPolls, interval);
    }
}

internal static class Clips
{
    /// <summary>A 16-bit mono WAV: a tone at <paramref name="hz"/>, amplitude-modulated at a syllable rate, with a short fade.</summary>
    public static byte[] ToneWav(double hz, double seconds, int sampleRate)
    {
        var samples = (int)(seconds * sampleRate);
        var wav = new byte[44 + samples * 2];
        var s = wav.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + samples * 2);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);               // PCM
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1);               // mono
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * 2);  // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], 2);               // block align
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);              // bits per sample
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], samples * 2);
        for (var n = 0; n < samples; n++)
        {
            var t = (double)n / sampleRate;
            var fade = Math.Min(1.0, Math.Min(t, seconds - t) / 0.02);
            var v = 0.3 * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 3.7 * t)) * fade * Math.Sin(2 * Math.PI * hz * t);
            BinaryPrimitives.WriteInt16LittleEndian(s[(44 + 2 * n)..], (short)Math.Round(v * short.MaxValue));
        }
        return wav;
    }

    /// <summary>Four sets of the API's form flags in turn, so the jobs differ in options as well as content.</summary>
    public static (string Field, string Value)[] FlagsFor(int i) => (i % 4) switch
    {
        0 => [],
        1 => [("convert_to_mono", "true"), ("set_sample_rate_16k", "true")],
        2 => [("apply_highpass_filter", "1"), ("output_format", "wav")],
        _ => [("remove_noise", "yes"), ("target_lufs", "-16")],
    };
}

internal static class Json
{
    public static string? String(string body, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static DateTimeOffset? Time(string body, string name) =>
        String(body, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
}

internal static class Stats
{
    /// <summary>p50, p99 (nearest rank) and max, ms; null for no values.</summary>
    public static object? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        double Rank(double p) => Math.Round(sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)], 1);
        return new { p50 = Rank(0.50), p99 = Rank(0.99), max = Math.Round(sorted[^1], 1), count = sorted.Length };
    }
}
