using System.Diagnostics;
using System.Net;

namespace AudioGrains.Testing;

/// <summary>How the receiver answers one request.</summary>
public sealed record ReceiverAnswer(int Status, string? RetryAfter = null, string? Location = null, TimeSpan Delay = default);

/// <summary>One request the receiver got.</summary>
public sealed record ReceivedCallback(TimeSpan At, string Method, string Path, string? ContentType, IReadOnlyDictionary<string, string?> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>A real HTTP receiver of callbacks on 127.0.0.1 (HttpListener): records every request, answers as told (by request number, from 1).</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ReceivedCallback> _received = [];
    private readonly Func<int, ReceiverAnswer> _answer;
    private readonly Task _loop;

    private CallbackReceiver(int port, Func<int, ReceiverAnswer> answer)
    {
        Port = port;
        _answer = answer;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => UrlOn(Port);

    public static string UrlOn(int port) => $"http://127.0.0.1:{port}/hook";

    public static CallbackReceiver Start(int port, Func<int, ReceiverAnswer>? answer = null) => new(port, answer ?? (_ => new ReceiverAnswer(200)));

    public IReadOnlyList<ReceivedCallback> Received
    {
        get { lock (_received) return _received.ToList(); }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        int number;
        lock (_received)
        {
            _received.Add(new ReceivedCallback(_clock.Elapsed, request.HttpMethod, request.Url!.AbsolutePath, request.ContentType,
                request.Headers.AllKeys.ToDictionary(k => k!, k => request.Headers[k], StringComparer.OrdinalIgnoreCase), body.ToArray()));
            number = _received.Count;
        }
        var answer = _answer(number);
        if (answer.Delay > TimeSpan.Zero) await Task.Delay(answer.Delay);
        var response = context.Response;
        response.StatusCode = answer.Status;
        if (answer.RetryAfter is { } retryAfter) response.Headers["Retry-After"] = retryAfter;
        if (answer.Location is { } location) response.Headers["Location"] = location;
        try
        {
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
