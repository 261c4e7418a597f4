using AudioGrains.Abstractions;
using AudioGrains.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway;

/// <summary>
/// Cluster-wide admission: while the cluster runs <see cref="GatewayOptions.MaxActiveJobs"/> jobs (counting the
/// submissions admitted and still uploading), a new submission is refused with 503 and a Retry-After, before its
/// upload is read. The job registry decides for every gateway at once, so N gateways do not admit N times the limit.
/// </summary>
public sealed class AdmissionControl(IJobRegistryGrain registry, IOptions<GatewayOptions> options, TransientRetry retry)
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long an admitted submission holds its place if its job never starts (a refused or abandoned upload).</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="submit"/> if the cluster admits it, else answers 503. A submission that started no job
    /// (refused, abandoned, or joined a live job) gives its place back at once, so bad requests cannot fill the cluster.
    /// </summary>
    public async Task<IResult> AdmitAsync(Func<Task<(IResult Result, bool StartedJob)>> submit, CancellationToken ct)
    {
        var limit = options.Value.MaxActiveJobs;
        // Tried again when the registry's silo is going away (a scale-down): the registry comes back on another one.
        if (!await retry.RunAsync(() => registry.TryAdmitAsync(limit, Hold), ct))
        {
            return new RetryAfterResult(ApiProblems.Of(ErrorCodes.Overloaded,
                $"the cluster is running as many jobs as it takes ({limit}); try again in {RetryAfter.TotalSeconds:F0} s"), RetryAfter);
        }
        var started = false;
        try
        {
            var (result, startedJob) = await submit();
            started = startedJob;
            return result;
        }
        finally
        {
            if (!started) await ReleaseAsync();
        }
    }

    private async Task ReleaseAsync()
    {
        // Best effort: a place not given back is freed after the hold.
        try { await registry.ReleaseAdmissionAsync(); }
        catch (Exception) { }
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
