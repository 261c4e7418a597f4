using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway;

/// <summary>
/// Cluster-wide admission: while the cluster runs <see cref="GatewayOptions.MaxActiveJobs"/> jobs or more, a new
/// submission is refused with 503 and a Retry-After, before its upload is read. The count is asked of the cluster at
/// most once a second per gateway, so a burst of requests does not become a burst of calls.
/// </summary>
public sealed class AdmissionControl(Func<CancellationToken, Task<int>> activeJobs, IOptions<GatewayOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan CountAge = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private int _active;
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;
    private int _admittedSinceCount;

    public async Task<IResult?> RefusalAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow() - _countedAt > CountAge)
        {
            await _refresh.WaitAsync(ct);
            try
            {
                if (clock.GetUtcNow() - _countedAt > CountAge)
                {
                    _active = await activeJobs(ct);
                    _countedAt = clock.GetUtcNow();
                    Interlocked.Exchange(ref _admittedSinceCount, 0);
                }
            }
            finally
            {
                _refresh.Release();
            }
        }
        // Jobs admitted here since the count are counted too, so one gateway cannot overshoot within a second.
        var admitted = Interlocked.Increment(ref _admittedSinceCount);
        if (_active + admitted <= options.Value.MaxActiveJobs) return null;
        Interlocked.Decrement(ref _admittedSinceCount);
        return new RetryAfterResult(ApiProblems.Of(ErrorCodes.Overloaded,
            $"the cluster is running {_active} jobs, its limit; try again in {RetryAfter.TotalSeconds:F0} s"), RetryAfter);
    }
}

/// <summary>A problem with a Retry-After header (seconds).</summary>
public sealed class RetryAfterResult(IResult inner, TimeSpan after) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
