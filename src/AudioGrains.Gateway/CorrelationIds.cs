using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace AudioGrains.Gateway;

/// <summary>
/// The correlation id a submitted job's logs carry: the caller's X-Correlation-Id when it gives a usable one (so its
/// own logs and ours join), else the request's W3C trace id (so logs and traces join).
/// </summary>
public static class CorrelationIds
{
    public const string Header = "X-Correlation-Id";

    public const int MaxLength = 128;

    public static string Of(HttpContext http)
    {
        var given = http.Request.Headers[Header].ToString();
        if (given.Length is > 0 and <= MaxLength && given.All(c => c is > ' ' and < (char)127)) return given;
        return Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;
    }
}
