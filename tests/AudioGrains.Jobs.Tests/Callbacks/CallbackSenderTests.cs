using System.Text;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioGrains.Jobs.Tests.Callbacks;

/// <summary>One try of a callback against a real receiver on 127.0.0.1, through the HttpClient the silos use (AddAudioGrainsCallbacks).</summary>
public sealed class CallbackSenderTests
{
    private const string Key = "0123456789abcdef-test-key";

    /// <summary>A sender; its timeout is generous unless a test is about the timeout (a loaded machine may take a while to connect).</summary>
    private static CallbackSender Sender(bool allowPrivate = true, string timeout = "00:00:05")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioGrains:Http:AllowPrivateCallbacks"] = allowPrivate ? "true" : "false",
            ["AudioGrains:Http:CallbackSigningKey"] = Key,
            ["AudioGrains:Http:CallbackTimeout"] = timeout,
        }).Build();
        return new ServiceCollection().AddLogging().AddAudioGrainsCallbacks(configuration).BuildServiceProvider().GetRequiredService<CallbackSender>();
    }

    private static CallbackMessage Message(string url) => new()
    {
        JobId = "job-1",
        DeliveryId = "delivery-1",
        Url = url,
        Body = Encoding.UTF8.GetBytes("""{"id":"job-1","status":"completed"}"""),
    };

    [Fact]
    public async Task A_2xx_is_delivered_with_the_signed_body_and_the_headers()
    {
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(204));
        var message = Message(receiver.Url);
        var result = await Sender().SendAsync(message, 3, CancellationToken.None);

        Assert.Equal(CallbackAttemptOutcome.Delivered, result.Outcome);
        var got = Assert.Single(receiver.Received);
        Assert.Equal("POST", got.Method);
        Assert.Equal("/hook", got.Path);
        Assert.Equal("application/json; charset=utf-8", got.ContentType);
        Assert.Equal(message.Body, got.Body);
        Assert.True(CallbackSignature.Verify(Key, got.Body, got.Header(CallbackHeaders.Signature)));
        Assert.Equal("job-1", got.Header(CallbackHeaders.Job));
        Assert.Equal("delivery-1", got.Header(CallbackHeaders.Delivery));
        Assert.Equal("3", got.Header(CallbackHeaders.Attempt));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_5xx_or_429_is_worth_another_try_and_its_Retry_After_is_read(int status)
    {
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(status, RetryAfter: "7"));
        var result = await Sender().SendAsync(Message(receiver.Url), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Retry, result.Outcome);
        Assert.Equal($"HTTP {status}", result.Detail);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Another_4xx_is_not_tried_again(int status)
    {
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(status));
        var result = await Sender().SendAsync(Message(receiver.Url), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Refused, result.Outcome);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var target = CallbackReceiver.Start(FreePorts.Next());
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(307, Location: target.Url));
        var result = await Sender().SendAsync(Message(receiver.Url), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Refused, result.Outcome);
        Assert.Contains("redirects are not followed", result.Detail);
        Assert.Single(receiver.Received);
        Assert.Empty(target.Received);
    }

    [Fact]
    public async Task A_closed_port_or_a_slow_receiver_is_worth_another_try()
    {
        var closed = await Sender().SendAsync(Message(CallbackReceiver.UrlOn(FreePorts.Next())), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Retry, closed.Outcome);
        Assert.StartsWith("no answer", closed.Detail);

        await using var slow = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(200, Delay: TimeSpan.FromSeconds(3)));
        var timedOut = await Sender(timeout: "00:00:00.500").SendAsync(Message(slow.Url), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Retry, timedOut.Outcome);
        Assert.Equal("no answer within 0.5 s", timedOut.Detail);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/hook")]
    [InlineData("http://localhost:{0}/hook")]
    public async Task The_address_connected_to_is_checked_again_at_delivery(string template)
    {
        // The URL passed no submit check here (as from a client that bypassed the gateway, or a name that now resolves elsewhere).
        await using var receiver = CallbackReceiver.Start(FreePorts.Next());
        var result = await Sender(allowPrivate: false).SendAsync(Message(string.Format(template, receiver.Port)), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Refused, result.Outcome);
        Assert.Contains("loopback", result.Detail);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_not_tried()
    {
        var result = await Sender().SendAsync(Message("file:///etc/passwd"), 1, CancellationToken.None);
        Assert.Equal(CallbackAttemptOutcome.Refused, result.Outcome);
    }
}
