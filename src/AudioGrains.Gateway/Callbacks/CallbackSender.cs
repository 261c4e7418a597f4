using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// One try of a callback: POSTs the message's body, signed, through the callbacks' HttpClient (timeout, no redirects,
/// no proxy, addresses checked on connect) and says whether it was delivered, is worth another try, or never will be.
/// </summary>
public sealed class CallbackSender(IHttpClientFactory clients, IOptions<GatewayOptions> options)
{
    public const string HttpClientName = "audiograins-callbacks";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<CallbackAttemptResult> SendAsync(CallbackMessage message, int attempt, CancellationToken ct)
    {
        var key = options.Value.CallbackSigningKey;
        if (key.Length == 0) return new(CallbackAttemptOutcome.Refused, "no signing key is configured (AudioGrains:Http:CallbackSigningKey)");
        // A job may come from an Orleans client that never met the gateway's policy.
        var form = CallbackUrlPolicy.CheckForm(message.Url);
        if (!form.IsAllowed) return new(CallbackAttemptOutcome.Refused, form.Refusal!);

        using var request = new HttpRequestMessage(HttpMethod.Post, form.Url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(CallbackHeaders.Signature, CallbackSignature.Compute(key, message.Body));
        request.Headers.TryAddWithoutValidation(CallbackHeaders.Job, message.JobId);
        request.Headers.TryAddWithoutValidation(CallbackHeaders.Delivery, message.DeliveryId);
        request.Headers.TryAddWithoutValidation(CallbackHeaders.Attempt, attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("AudioGrains-Callbacks", "1.0"));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return Classify(response);
        }
        catch (HttpRequestException e) when (IsRefusedAddress(e))
        {
            return new(CallbackAttemptOutcome.Refused, e.InnerException?.Message ?? e.Message);
        }
        catch (HttpRequestException e)
        {
            return new(CallbackAttemptOutcome.Retry, $"no answer: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(CallbackAttemptOutcome.Retry, $"no answer within {options.Value.CallbackTimeout.TotalSeconds:0.#} s");
        }
    }

    private static CallbackAttemptResult Classify(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var detail = $"HTTP {code}";
        if (response.IsSuccessStatusCode) return new(CallbackAttemptOutcome.Delivered, detail);
        if (code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            return new(CallbackAttemptOutcome.Retry, detail, RetryAfterOf(response));
        // Redirects are not followed: the target was checked, where it points was not.
        return new(CallbackAttemptOutcome.Refused, code is >= 300 and < 400 ? $"{detail} (redirects are not followed)" : detail);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static bool IsRefusedAddress(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is CallbackAddressRefusedException) return true;
        return false;
    }
}
