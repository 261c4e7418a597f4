using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AudioGrains.Gateway.Tests;

/// <summary>One HTTP/1.1 request as it goes on the wire: whatever a test writes is sent, with no client normalizing it.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body = null)
{
    public static RawRequest Get(string target) => new("GET", target, []);

    public static RawRequest Post(string contentType, byte[] body, params (string Name, string Value)[] headers) =>
        new("POST", "/jobs", [("Content-Type", contentType), .. headers], body);

    public static RawRequest Post(MultipartBody form, params (string Name, string Value)[] headers) =>
        Post(MultipartBody.ContentType, form.ToArray(), headers);
}

/// <summary>An answer read off the wire: status, headers (names in any case), the body (de-chunked) as text.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? MediaType => Headers.TryGetValue("Content-Type", out var type) ? type.Split(';')[0].Trim() : null;
}

/// <summary>
/// HTTP/1.1 over a plain socket to the loopback gateway, for what HttpClient will not send (a raw dot segment in a path,
/// control characters in headers, a truncated body) or cannot receive (a 413 answered while the body is still being
/// sent: HttpClient fails the send with a broken pipe and never shows the answer).
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, RawRequest request, CancellationToken ct = default)
    {
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, ct);
        var stream = tcp.GetStream();
        var headers = request.Body is { } body ? [.. request.Headers, ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))] : request.Headers;
        await stream.WriteAsync(Head(request with { Headers = headers }, server), ct);
        if (request.Body is { Length: > 0 }) await stream.WriteAsync(request.Body, ct);
        return await ReadAsync(stream, ct);
    }

    /// <summary>Sends only <paramref name="request"/>'s head (its headers may announce a body that never comes) and reads the answer.</summary>
    public static async Task<RawResponse> SendHeadAsync(Uri server, RawRequest request, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, deadline.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Head(request, server), deadline.Token);
        return await ReadAsync(stream, deadline.Token);
    }

    /// <summary>
    /// Sends <paramref name="request"/>'s head, then <paramref name="source"/> in chunks (Transfer-Encoding: chunked),
    /// reading the answer all the while; stops sending as soon as the answer is complete, and returns it.
    /// </summary>
    public static async Task<RawResponse> StreamAsync(Uri server, RawRequest request, Stream source, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, deadline.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Head(request with { Headers = [.. request.Headers, ("Transfer-Encoding", "chunked")] }, server), deadline.Token);
        var answer = ReadAsync(stream, deadline.Token);
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        _ = answer.ContinueWith(_ =>
        {
            try { answered.Cancel(); } catch (ObjectDisposedException) { }
        }, TaskScheduler.Default);

        var data = new byte[64 * 1024];
        try
        {
            while (!answer.IsCompleted)
            {
                var got = await source.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, answered.Token);
                if (got == 0)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), answered.Token);
                    break;
                }
                byte[] chunk = [.. Encoding.ASCII.GetBytes($"{got:x}\r\n"), .. data.AsSpan(0, got), .. "\r\n"u8];
                await stream.WriteAsync(chunk, answered.Token);
            }
        }
        catch (Exception e) when ((e is IOException or SocketException or OperationCanceledException) && !deadline.IsCancellationRequested)
        {
            // The server answered and closed (or is closing) the connection while the body was still being sent.
        }
        return await answer;
    }

    private static byte[] Head(RawRequest request, Uri server)
    {
        var head = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nConnection: close\r\n");
        foreach (var (name, value) in request.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        return Encoding.Latin1.GetBytes(head.Append("\r\n").ToString());
    }

    /// <summary>Reads until one whole answer is in (by Content-Length, chunked framing or the connection's end).</summary>
    private static async Task<RawResponse> ReadAsync(NetworkStream stream, CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            if (TryParse(received.ToArray(), ended: false) is { } complete) return complete;
            int got;
            try
            {
                got = await stream.ReadAsync(buffer, ct);
            }
            catch (IOException) when (received.Length > 0)
            {
                got = 0; // reset after the answer: what arrived is what there is
            }
            if (got == 0)
            {
                return TryParse(received.ToArray(), ended: true)
                    ?? throw new IOException($"the connection ended before a whole answer: \"{Encoding.Latin1.GetString(received.ToArray())}\"");
            }
            received.Write(buffer, 0, got);
        }
    }

    private static RawResponse? TryParse(byte[] data, bool ended)
    {
        var end = data.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) return null;
        var lines = Encoding.Latin1.GetString(data, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = data.AsSpan(end + 4);
        if (headers.TryGetValue("Content-Length", out var length))
        {
            var n = int.Parse(length, CultureInfo.InvariantCulture);
            return body.Length >= n ? new RawResponse(status, headers, Encoding.UTF8.GetString(body[..n])) : null;
        }
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var text = new MemoryStream();
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n"u8);
                if (lineEnd < 0) return null;
                var size = int.Parse(Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (body.Length < lineEnd + 2 + size + 2) return null;
                if (size == 0) return new RawResponse(status, headers, Encoding.UTF8.GetString(text.ToArray()));
                text.Write(body.Slice(lineEnd + 2, size));
                body = body[(lineEnd + 2 + size + 2)..];
            }
        }
        return ended || status is 204 or 304 || (status >= 100 && status < 200) ? new RawResponse(status, headers, Encoding.UTF8.GetString(body)) : null;
    }
}
