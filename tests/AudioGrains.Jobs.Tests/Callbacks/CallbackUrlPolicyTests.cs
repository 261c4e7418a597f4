using AudioGrains.Abstractions;
using AudioGrains.Gateway;
using AudioGrains.Gateway.Callbacks;
using Microsoft.Extensions.Options;

namespace AudioGrains.Jobs.Tests.Callbacks;

/// <summary>The submit-time check of a callback_url. Hosts are IP literals or "localhost": nothing leaves this machine.</summary>
public sealed class CallbackUrlPolicyTests
{
    private const string Key = "0123456789abcdef-test-key";

    private static CallbackUrlPolicy Policy(bool allowPrivate = false, string key = Key) =>
        new(Options.Create(new GatewayOptions { AllowPrivateCallbacks = allowPrivate, CallbackSigningKey = key }));

    [Theory]
    [InlineData("ftp://93.184.216.34/hook", "absolute http or https")]
    [InlineData("file:///etc/passwd", "absolute http or https")]
    [InlineData("gopher://93.184.216.34/", "absolute http or https")]
    [InlineData("javascript:alert(1)", "absolute http or https")]
    [InlineData("/jobs/hook", "absolute http or https")]
    [InlineData("hook", "absolute http or https")]
    [InlineData("", "empty")]
    [InlineData("https://user:secret@93.184.216.34/hook", "user name or password")]
    [InlineData("https://user@93.184.216.34/hook", "user name or password")]
    public async Task Refuses_what_is_not_a_plain_http_url(string url, string reason)
    {
        var check = await Policy().CheckAsync(url);
        Assert.False(check.IsAllowed);
        Assert.Contains(reason, check.Refusal);
        Assert.Equal(ErrorCodes.InvalidOptions, check.ErrorCode);
    }

    [Fact]
    public async Task Refuses_a_url_longer_than_the_limit()
    {
        var url = "https://93.184.216.34/" + new string('a', CallbackUrlPolicy.MaxLength);
        var check = await Policy().CheckAsync(url);
        Assert.Contains("longer than 2048", check.Refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://localhost:8080/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "loopback")]
    [InlineData("http://2130706433/hook", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("http://[fe80::1]/hook", "link-local")]
    [InlineData("https://10.0.0.5/hook", "private")]
    [InlineData("https://172.20.1.1/hook", "private")]
    [InlineData("https://192.168.1.10/hook", "private")]
    [InlineData("https://[fd00::1]/hook", "private")]
    [InlineData("https://[::ffff:10.0.0.5]/hook", "private")]
    [InlineData("https://100.64.0.1/hook", "CGNAT")]
    [InlineData("http://0.0.0.0/hook", "unspecified")]
    [InlineData("http://224.0.0.1/hook", "multicast")]
    public async Task Refuses_the_cluster_s_own_networks_by_default(string url, string kind)
    {
        var check = await Policy().CheckAsync(url);
        Assert.False(check.IsAllowed, $"{url} was allowed");
        Assert.Contains(kind, check.Refusal);
        Assert.Contains("refused", check.Refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("https://10.0.0.5/hook")]
    public async Task Allows_private_addresses_when_configured(string url)
    {
        var check = await Policy(allowPrivate: true).CheckAsync(url);
        Assert.True(check.IsAllowed, check.Refusal);
        Assert.Equal(new Uri(url), check.Url);
    }

    [Theory]
    [InlineData("https://93.184.216.34/hooks/audio?token=abc")]
    [InlineData("http://8.8.8.8:8443/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public async Task Allows_a_public_address(string url)
    {
        var check = await Policy().CheckAsync(url);
        Assert.True(check.IsAllowed, check.Refusal);
        Assert.Equal(new Uri(url), check.Url);
    }

    [Fact]
    public async Task Refuses_every_callback_when_no_signing_key_is_configured()
    {
        var check = await Policy(allowPrivate: true, key: "").CheckAsync("https://93.184.216.34/hook");
        Assert.False(check.IsAllowed);
        Assert.Contains("CallbackSigningKey", check.Refusal);
    }

    [Fact]
    public void A_short_signing_key_and_unbounded_retries_fail_the_options_check()
    {
        var errors = new GatewayOptions { CallbackSigningKey = "short", CallbackMaxAttempts = 0 }.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("CallbackSigningKey"));
        Assert.Contains(errors, e => e.Contains("CallbackMaxAttempts"));
        Assert.Empty(new GatewayOptions().Validate());
    }
}
