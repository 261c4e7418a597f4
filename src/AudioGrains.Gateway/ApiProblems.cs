using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AudioGrains.Gateway;

/// <summary>Errors as RFC 9457 problem details carrying the error code (the same codes the CLI and the client library use).</summary>
public static class ApiProblems
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.Expired => StatusCodes.Status410Gone,
        ErrorCodes.InvalidOptions or ErrorCodes.InvalidRequest => StatusCodes.Status400BadRequest,
        ErrorCodes.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.InsufficientDisk => StatusCodes.Status507InsufficientStorage,
        ErrorCodes.Conflict or ErrorCodes.NotReady => StatusCodes.Status409Conflict,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.Overloaded or ErrorCodes.StorageUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.UnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
        ErrorCodes.EmptyInput or ErrorCodes.InvalidMedia or ErrorCodes.NoAudioStream or ErrorCodes.TooLong or ErrorCodes.TooManyChannels
            => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult Of(string code, string message, IDictionary<string, object?>? extra = null, int? status = null)
    {
        var extensions = new Dictionary<string, object?> { ["error_code"] = code };
        if (extra is not null) foreach (var (k, v) in extra) extensions[k] = v;
        return Results.Problem(detail: message, statusCode: status ?? StatusOf(code), title: Title(code), extensions: extensions);
    }

    public static IResult Of(AudioGrainsException e) => Of(e.Code, e.Message);

    /// <summary>
    /// The problem for an error status written without a body by the framework rather than by a route: no route matched
    /// (404), a route that does not take the method (405) or the content type (415; POST /jobs takes multipart only).
    /// </summary>
    public static Task ForStatusCodeAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var request = $"{http.Request.Method} {JobForm.Printable(http.Request.Path.Value ?? "")}";
        var (code, message) = status switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, $"there is nothing at {request}"),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.InvalidRequest, $"{request}: the method is not allowed there"),
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.InvalidRequest,
                $"{request}: content type \"{JobForm.Printable(http.Request.ContentType ?? "")}\" is not accepted; a submission is multipart/form-data with the audio in a field named \"file\""),
            < 500 => (ErrorCodes.InvalidRequest, $"{request} is refused"),
            _ => (ErrorCodes.ProcessingFailed, $"{request} failed"),
        };
        return Of(code, message, status: status).ExecuteAsync(http);
    }

    private static string Title(string code) => code switch
    {
        ErrorCodes.NotFound => "Not found",
        ErrorCodes.Expired => "Expired",
        ErrorCodes.TooLarge => "Upload too large",
        ErrorCodes.InsufficientDisk => "Insufficient storage",
        ErrorCodes.RateLimited => "Too many requests",
        ErrorCodes.Overloaded => "Service overloaded",
        _ => code,
    };
}

/// <summary>
/// The last line of the error contract: an <see cref="AudioGrainsException"/> anywhere becomes its problem, a request
/// the server could not read becomes 400 or 413, and anything else a 500 that names no internals.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var result = exception switch
        {
            AudioGrainsException e => ApiProblems.Of(e),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                ApiProblems.Of(ErrorCodes.TooLarge, "the request body is larger than the limit"),
            BadHttpRequestException or InvalidDataException or IOException when !context.RequestAborted.IsCancellationRequested =>
                ApiProblems.Of(ErrorCodes.InvalidRequest, $"the request could not be read: {exception.Message}"),
            _ => null,
        };
        if (result is null)
        {
            logger.LogError(exception, "HTTP {Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
            result = ApiProblems.Of(ErrorCodes.ProcessingFailed, $"an internal error occurred ({exception.GetType().Name})");
        }
        if (context.Response.HasStarted) return true;
        await result.ExecuteAsync(context);
        return true;
    }
}
