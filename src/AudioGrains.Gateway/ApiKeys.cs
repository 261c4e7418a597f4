using System.Security.Cryptography;
using System.Text;
using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Http;

namespace AudioGrains.Gateway;

/// <summary>
/// Optional API keys: when <see cref="GatewayOptions.ApiKeys"/> is empty the API is open to anyone who can reach it;
/// otherwise every route but the health probes needs a key in X-API-Key. Keys are compared by their SHA-256 in
/// constant time, so neither a key's content nor its length leaks through timing.
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
        if (Open || IsPublic(http.Request.Path) || http.Items.ContainsKey(SkipItem) || Accepts(http.Request.Headers[Header].ToString()))
        {
            await next(http);
            return;
        }
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
        await ApiProblems.Of(ErrorCodes.Unauthorized, $"a valid API key is required in the {Header} header").ExecuteAsync(http);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
