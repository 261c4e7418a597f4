using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AudioGrains.Gateway;

/// <summary>
/// A download served as ASP.NET Core serves a stream (ranges, preconditions), but for one answer: a range outside the
/// output gets 416 with an empty body typed as the audio, which breaks a client that reads every error as a problem.
/// That answer becomes the problem with its error code; its Content-Range (the output's length) stays.
/// </summary>
public sealed class DownloadResult(IResult stream, long length) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await stream.ExecuteAsync(httpContext);
        var response = httpContext.Response;
        if (response.StatusCode != StatusCodes.Status416RangeNotSatisfiable || response.HasStarted) return;
        response.ContentLength = null;
        response.ContentType = null;
        response.Headers.Remove(HeaderNames.ContentDisposition);
        var asked = JobForm.Printable(httpContext.Request.Headers.Range.ToString());
        await ApiProblems.Of(ErrorCodes.InvalidRequest, $"the range \"{asked}\" is not within the output's {length} bytes",
            status: StatusCodes.Status416RangeNotSatisfiable).ExecuteAsync(httpContext);
    }
}
