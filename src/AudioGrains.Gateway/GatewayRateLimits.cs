using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace AudioGrains.Gateway;

/// <summary>
/// Per-client rate limits (ASP.NET Core's rate limiter): a client is its API key, or its address when the API is
/// open. Submissions get <see cref="GatewayOptions.RateLimitPermits"/> per window; reads (polls, downloads) ten times
/// as many. A refusal is 429 with Retry-After.
/// </summary>
public static class GatewayRateLimits
{
    public const string Submissions = "submissions";
    public const string Reads = "reads";

    public static void Configure(RateLimiterOptions limiter, GatewayOptions options)
    {
        limiter.AddPolicy(Submissions, http => Window(ClientOf(http), options.RateLimitPermits, options));
        limiter.AddPolicy(Reads, http => Window(ClientOf(http), options.RateLimitPermits * 10, options));
        limiter.OnRejected = async (context, ct) =>
        {
            var after = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.RateLimitWindow;
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await ApiProblems.Of(ErrorCodes.RateLimited, $"too many requests from this client; try again in {Math.Ceiling(after.TotalSeconds)} s")
                .ExecuteAsync(context.HttpContext);
        };
    }

    private static RateLimitPartition<string> Window(string client, int permits, GatewayOptions options) =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = options.RateLimitWindow,
            QueueLimit = options.RateLimitQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });

    /// <summary>The key's hash (keys are not kept in memory as partition names), else the remote address.</summary>
    public static string ClientOf(HttpContext http)
    {
        var key = http.Request.Headers[ApiKeys.Header].ToString();
        return key.Length > 0
            ? "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 8)
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
