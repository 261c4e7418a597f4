using System.Text.RegularExpressions;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans;

namespace AudioGrains.Gateway;

/// <summary>The job routes of the HTTP API: the old service's flows (submit, poll, download, delete, list) and what they lacked.</summary>
public static partial class JobEndpoints
{
    /// <summary>Job ids the cluster makes: 32 hex digits, or "k" and 31 for an idempotency key. Anything else is no job.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex JobIdPattern();

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("jobs");

        jobs.MapPost("", (HttpContext http, AudioGrainsClient client, IOptions<GatewayOptions> options, CallbackUrlPolicy callbacks, AdmissionControl admission,
                GatewayMetrics metrics, ILoggerFactory logs) =>
                SubmitAsync(http, new JobSubmission(client, options.Value, callbacks, metrics, logs.CreateLogger(typeof(JobSubmission))), admission))
            .RequireRateLimiting(GatewayRateLimits.Submissions)
            .DisableAntiforgery()
            .WithSummary("Submit a file: multipart/form-data with \"file\" and the string flags")
            .Accepts<JobForm>("multipart/form-data")
            .Produces<JobDocument>(StatusCodes.Status202Accepted)
            .Produces<JobDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);

        jobs.MapGetAndHead("/{id}", GetAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("A job: status, progress, timestamps, options, the loudness report")
            .Produces<JobDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

        jobs.MapGetAndHead("/{id}/download", DownloadAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("The output (WebM/Opus by default); Range requests are served (206)")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);

        jobs.MapDelete("/{id}", DeleteAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("Deletes the job: stops it if it runs, deletes its input and output; it is unknown (404) afterwards")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGetAndHead("", ListAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("The newest jobs first (limit: 1 to the configured maximum, 20 by default)")
            .Produces<JobDocument[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        jobs.MapGetAndHead("/{id}/loudness.svg", LoudnessChartAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("Short-term loudness over time, before and after, with the target and the true-peak ceiling (SVG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);

        jobs.MapGetAndHead("/{id}/view", ViewAsync)
            .RequireRateLimiting(GatewayRateLimits.Reads)
            .WithSummary("The job as a page for a browser: its fields and, once completed, the loudness chart")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        return app;
    }

    /// <summary>
    /// A read route that answers HEAD as well as GET (RFC 9110: a server supports both): clients and download tools
    /// ask HEAD for a download's size, type and ranges before they fetch it. The server sends the GET's headers
    /// without the body; a download's bytes are not even read.
    /// </summary>
    public static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

    private static async Task<IResult> DeleteAsync(string id, AudioGrainsClient client, IGrainFactory grains, CancellationToken ct)
    {
        if (!JobIdPattern().IsMatch(id)) return NotFound(id);
        // An expired job can be deleted too: its record goes.
        var status = await client.GetStatusAsync(id, ct);
        if (!status.Exists) return NotFound(id);
        await client.DeleteAsync(id, ct);
        // The callback's saved message is a copy of the record: it goes too (and a pending delivery stops). The job's
        // observer asks for that as well, without waiting; the answer to a DELETE waits for it.
        if (status.CallbackUrl is not null) await grains.GetGrain<IJobCallbackGrain>(id).ForgetAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> ListAsync(HttpContext http, AudioGrainsClient client, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        var raw = http.Request.Query["limit"];
        var limit = 20;
        if (raw.Count > 1 || (raw.Count == 1 && (!int.TryParse(raw[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
                || limit < 1 || limit > options.Value.MaxListLimit)))
            return ApiProblems.Of(ErrorCodes.InvalidRequest, $"limit must be a whole number from 1 to {options.Value.MaxListLimit}");
        var jobs = await client.ListAsync(limit, ct);
        return Results.Json(jobs.Select(JobDocument.From).ToList(), JobDocument.Json);
    }

    private static async Task<IResult> LoudnessChartAsync(string id, AudioGrainsClient client, CancellationToken ct)
    {
        var (status, problem) = await FindAsync(id, client, ct);
        if (problem is not null) return problem;
        if (status!.Phase != JobPhase.Completed)
            return ApiProblems.Of(ErrorCodes.NotReady, $"job {id} has no loudness chart: it is {JobDocument.StatusOf(status.Phase)}");
        var options = status.Options ?? NormalizeOptions.Default;
        var series = await client.GetLoudnessSeriesAsync(id, ct);
        return Results.Content(LoudnessChart.Render(series, options.TargetLufs, options.TruePeakCeilingDbtp, status.FileName ?? id), "image/svg+xml");
    }

    private static async Task<IResult> ViewAsync(string id, AudioGrainsClient client, CancellationToken ct)
    {
        var (status, problem) = await FindAsync(id, client, ct);
        return problem ?? Results.Content(JobPage.Render(JobDocument.From(status!)), "text/html; charset=utf-8");
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, JobSubmission submission, AdmissionControl admission)
    {
        // A client trying its request again (its first answer was lost) gets its job even while the cluster is full.
        if (await submission.RepeatsAJobAsync(http)) return await submission.HandleAsync(http);
        return await admission.AdmitAsync(async () =>
        {
            var result = await submission.HandleAsync(http);
            return (result, submission.StartedJob);
        }, http.RequestAborted);
    }

    private static async Task<IResult> GetAsync(string id, AudioGrainsClient client, CancellationToken ct)
    {
        var (status, problem) = await FindAsync(id, client, ct);
        return problem ?? Results.Json(JobDocument.From(status!), JobDocument.Json);
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string id, AudioGrainsClient client, IOptions<AudioGrainsClientOptions> clientOptions,
        GatewayMetrics metrics, CancellationToken ct)
    {
        var (status, problem) = await FindAsync(id, client, ct);
        if (problem is not null) return problem;
        if (status!.Phase != JobPhase.Completed)
            return ApiProblems.Of(ErrorCodes.NotReady, $"job {id} has no output: it is {JobDocument.StatusOf(status.Phase)}");
        var format = OutputFormats.Parse((status.Options ?? NormalizeOptions.Default).OutputFormat);
        var name = UploadFileName.ForDownload(status.FileName, OutputFormats.Extension(format));
        var length = status.OutputBytes ?? throw new AudioGrainsException(ErrorCodes.NotReady, $"job {id} does not know its output's size yet");
        var body = new JobOutputStream(client, id, length, clientOptions.Value.BlockBytes);
        if (!HttpMethods.IsHead(http.Request.Method)) metrics.DownloadBytes.Inc(length);
        // The tag names this output, not the id: a job deleted and made again under the same Idempotency-Key has the
        // same id and another output, and a download resumed with If-Range must not splice the two.
        var tag = new EntityTagHeaderValue($"\"{id}-{status.CompletedAt?.UtcTicks:x}\"");
        return new DownloadResult(Results.Stream(body, OutputFormats.ContentType(format), name,
            lastModified: status.CompletedAt, entityTag: tag, enableRangeProcessing: true), length);
    }

    /// <summary>The job, or the problem that answers for it: 404 for no such job, 410 for an expired one.</summary>
    public static async Task<(JobStatus? Status, IResult? Problem)> FindAsync(string id, AudioGrainsClient client, CancellationToken ct)
    {
        if (!JobIdPattern().IsMatch(id)) return (null, NotFound(id));
        var status = await client.GetStatusAsync(id, ct);
        if (!status.Exists) return (null, NotFound(id));
        if (status.Phase == JobPhase.Expired)
        {
            return (status, ApiProblems.Of(ErrorCodes.Expired, $"job {id} expired at {status.ExpiresAt:u}: its result and input were deleted",
                new Dictionary<string, object?> { ["id"] = id, ["status"] = "expired", ["expires_at"] = status.ExpiresAt }));
        }
        return (status, null);
    }

    private static IResult NotFound(string id) => ApiProblems.Of(ErrorCodes.NotFound, $"there is no job \"{JobForm.Printable(id)}\"");
}
