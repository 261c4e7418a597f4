using System.Security.Cryptography;
using System.Text;
using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Http;

namespace AudioGrains.Gateway;

/// <summary>
/// Optional API keys: when <see cref="GatewayOptions.ApiKeys"/> is empty the API is open to anyone who can reach it;
/// otherwise every route but the health probes needs a key in X-API-Key. Keys are compared by their SHA-256 in
/// constant time, so neither a key's content nor its length leaks through timing. A browser cannot add a header to
/// the dashboard's own requests: there the key may come as the password of HTTP Basic authentication (any user name),
/// which the browser asks for once and then sends with each request.
/// </summary>
public sealed class ApiKeys(GatewayOptions options)
{
    public const string Header = "X-API-Key";

    /// <summary>Set in <see cref="HttpContext.Items"/> by a listener whose routes need no key (the silo's management port).</summary>
    public const string SkipItem = "AudioGrains.ApiKeys.Skip";

    private readonly byte[][] _hashes = options.ApiKeys.Select(Hash).ToArray();

    public bool Open => _hashes.Length == 0;

    public bool Accepts(string? presented)
    {
        if (Open) return true;
        if (string.IsNullOrEmpty(presented)) return false;
        var hash = Hash(presented);
        var match = false;
        foreach (var known in _hashes) match |= CryptographicOperations.FixedTimeEquals(hash, known);
        return match;
    }

    public static bool IsPublic(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/scalar");

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (Open || IsPublic(http.Request.Path) || http.Items.ContainsKey(SkipItem) || Accepts(Presented(http.Request)))
        {
            await next(http);
            return;
        }
        http.Response.Headers.WWWAuthenticate = IsDashboard(http.Request.Path)
            ? $"Basic realm=\"AudioGrains dashboard\", charset=\"UTF-8\""
            : "ApiKey header=\"X-API-Key\"";
        await ApiProblems.Of(ErrorCodes.Unauthorized, $"a valid API key is required in the {Header} header").ExecuteAsync(http);
    }

    public static bool IsDashboard(PathString path) => path.StartsWithSegments(GatewayServices.DashboardPath);

    /// <summary>The key in X-API-Key; on the dashboard's paths also the password of a Basic authorization.</summary>
    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers[Header].ToString();
        if (header.Length > 0 || !IsDashboard(request.Path)) return header;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
