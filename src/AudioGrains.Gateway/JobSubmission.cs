using System.Security.Cryptography;
using System.Text;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Gateway.Callbacks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AudioGrains.Gateway;

/// <summary>
/// POST /jobs: reads the multipart form as it arrives — text fields in any order around the file, the file streamed
/// into the cluster in blocks (never buffered whole) and refused the moment it passes the limit — then starts the
/// job. Whatever went wrong after the first block, the blocks sent are deleted.
/// </summary>
public sealed class JobSubmission(AudioGrainsClient client, GatewayOptions options, CallbackUrlPolicy callbacks, GatewayMetrics metrics, ILogger logger)
{
    private const int MaxFieldBytes = 8 * 1024;
    private const int MaxSections = 32;
    private const int MaxIdempotencyKeyLength = 200;

    /// <summary>Whether this submission started a new job (not refused, not joined to a live one).</summary>
    public bool StartedJob { get; private set; }

    /// <summary>The job the request's Idempotency-Key names, once looked up by <see cref="RepeatsAJobAsync"/>.</summary>
    private (bool Looked, JobStatus? Job) _earlier;

    /// <summary>
    /// Whether the request's Idempotency-Key names a job that exists. Such a request starts nothing (it is answered
    /// with that job, or 409), so it needs no place in the cluster; <see cref="HandleAsync"/> then uses this answer.
    /// </summary>
    public async Task<bool> RepeatsAJobAsync(HttpContext http)
    {
        var (key, invalid) = IdempotencyKeyOf(http.Request);
        if (invalid is not null || key.Length == 0) return false;
        var status = await client.GetStatusAsync(AudioGrainsClient.JobIdFor(key), http.RequestAborted);
        _earlier = (true, status.Exists ? status : null);
        return _earlier.Job is not null;
    }

    /// <summary>The request's Idempotency-Key ("" without one), or why it cannot be one.</summary>
    private static (string Key, string? Invalid) IdempotencyKeyOf(HttpRequest request)
    {
        var values = request.Headers["Idempotency-Key"];
        // Two headers would be read as one key "a,b": neither of them, so a retry with either made another job.
        if (values.Count > 1) return ("", "the Idempotency-Key header is given more than once");
        var key = values.ToString();
        return key.Length > MaxIdempotencyKeyLength || key.Any(char.IsControl)
            ? ("", $"the Idempotency-Key header must be at most {MaxIdempotencyKeyLength} printable characters")
            : (key, null);
    }

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var ct = http.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return ApiProblems.Of(ErrorCodes.InvalidRequest, "the request must be multipart/form-data with the audio in a field named \"file\"",
                status: StatusCodes.Status415UnsupportedMediaType);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            return ApiProblems.Of(ErrorCodes.InvalidRequest, "the multipart content type has no valid boundary");
        // The form's own overhead is small: a body this much over the limit is refused before a byte is read.
        var bodyLimit = options.MaxUploadBytes + 1024 * 1024;
        if (request.ContentLength > bodyLimit)
            return ApiProblems.Of(ErrorCodes.TooLarge, $"the upload is larger than the limit of {options.MaxUploadBytes} bytes");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = bodyLimit;

        var (key, invalid) = IdempotencyKeyOf(request);
        if (invalid is not null) return ApiProblems.Of(ErrorCodes.InvalidRequest, invalid);
        var jobId = key.Length > 0 ? AudioGrainsClient.JobIdFor(key) : Guid.NewGuid().ToString("N");
        var earlier = _earlier.Looked ? _earlier.Job : key.Length > 0 ? await client.GetStatusAsync(jobId, ct) : null;
        if (earlier is { Exists: false }) earlier = null;
        // The gateway's events of this upload carry the correlation id as the job's own events do (a property, so a
        // log query by CorrelationId finds the request too).
        var correlationId = CorrelationIds.Of(http);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId });

        var form = new JobForm();
        string? fileName = null;
        long inputBytes = 0;
        string? sha256 = null;
        var sent = false;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
            var sections = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++sections > MaxSections) throw Invalid($"the form has more than {MaxSections} parts");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw Invalid("a part of the form has no form-data Content-Disposition");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition() || name == "file")
                {
                    if (name != "file") throw Invalid($"unexpected file field \"{JobForm.Printable(name)}\"; the audio goes in \"file\"");
                    if (fileName is not null) throw Invalid("the form has more than one file");
                    var given = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? UploadFileName.Unquoted(disposition.FileName.Value);
                    fileName = UploadFileName.Checked(given);
                    var body = new UploadLimitStream(section.Body, options.MaxUploadBytes);
                    if (earlier is not null)
                    {
                        // The key was used before: the same file again is the same job; its bytes are only hashed.
                        sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(body, ct));
                        inputBytes = body.BytesRead;
                    }
                    else
                    {
                        sent = true;
                        inputBytes = await client.UploadAsync(jobId, UploadTarget.Input, body, ct);
                    }
                }
                else
                {
                    form.Add(name, await ReadFieldAsync(section.Body, name, ct));
                }
            }
            if (fileName is null) throw Invalid("the form has no field \"file\" with the audio");
            if (inputBytes == 0) throw new AudioGrainsException(ErrorCodes.EmptyInput, $"\"{JobForm.Printable(fileName)}\" is empty");
            var normalize = form.ToOptions();
            var callback = await CallbackUrlAsync(form.CallbackUrl, ct);

            if (earlier is not null)
            {
                AudioGrainsClient.RequireSameRequest(earlier, normalize, sha256, key);
                http.Response.Headers.Location = $"/jobs/{earlier.JobId}";
                metrics.Submissions.WithLabels("repeated").Inc();
                return Results.Json(JobDocument.From(earlier), JobDocument.Json, statusCode: StatusCodes.Status200OK);
            }
            var status = await client.CompleteUploadAsync(jobId, new JobRequest
            {
                FileName = fileName,
                InputBytes = inputBytes,
                Options = normalize,
                CallbackUrl = callback,
                CorrelationId = correlationId,
            }, ct);
            http.Response.Headers.Location = $"/jobs/{status.JobId}";
            StartedJob = status.JobId == jobId;
            metrics.Submissions.WithLabels(status.JobId == jobId ? "accepted" : "joined").Inc();
            metrics.UploadBytes.Inc(inputBytes);
            logger.LogInformation("HTTP upload {JobId} of {FileName} ({InputBytes} bytes) accepted as job {OwnerJobId}", jobId, fileName, inputBytes, status.JobId);
            return Results.Json(JobDocument.From(status), JobDocument.Json, statusCode: StatusCodes.Status202Accepted);
        }
        catch (Exception) when (sent)
        {
            await AbandonAsync(jobId);
            throw;
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var got = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (got > MaxFieldBytes) throw Invalid($"field \"{JobForm.Printable(name)}\" is longer than {MaxFieldBytes} bytes");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, got);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"field \"{JobForm.Printable(name)}\" is not UTF-8 text");
        }
    }

    /// <summary>Only http(s), and no loopback, link-local or private address unless configuration allows them.</summary>
    private async Task<string?> CallbackUrlAsync(string? url, CancellationToken ct)
    {
        if (url is null) return null;
        var check = await callbacks.CheckAsync(url, ct);
        return check.IsAllowed ? check.Url!.AbsoluteUri : throw new AudioGrainsException(check.ErrorCode, check.Refusal ?? "callback_url is refused");
    }

    /// <summary>Deletes the blocks of a refused upload; it must not hide the error that refused it.</summary>
    private async Task AbandonAsync(string jobId)
    {
        try
        {
            await client.AbandonUploadAsync(jobId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Upload {JobId} could not be cleaned up after it was refused", jobId);
        }
    }

    private static AudioGrainsException Invalid(string message) => new(ErrorCodes.InvalidRequest, message);
}
