using AudioGrains.Client;
using StackExchange.Redis;

namespace AudioGrains.Cluster.Tests;

/// <summary>How every AudioGrains process reads its Redis setting (silo, client, CLI), and how it reconnects after an outage.</summary>
public sealed class RedisConfigurationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(1000)]
    public void However_many_reconnects_failed_during_an_outage_the_next_is_tried_a_second_after_the_last(long failedTries)
    {
        // The silo connects with a clone of the options (SiloRedisConnection): the clone must keep the policy.
        var policy = RedisConfiguration.Parse("127.0.0.1:6379").Clone().ReconnectRetryPolicy;
        Assert.True(policy.ShouldRetry(failedTries, (int)RedisConfiguration.MaxReconnectInterval.TotalMilliseconds));
        Assert.False(policy.ShouldRetry(failedTries, 100));
    }

    [Fact]
    public void StackExchange_Redis_alone_would_wait_longer_after_a_long_outage()
    {
        // Why the policy is set: the library's default backs off to 2.5-10 s, so after a 60 s outage the cluster could
        // go on up to 10 s after Redis is back (issue 12 asks for progress within 5 s).
        var stock = ConfigurationOptions.Parse("127.0.0.1:6379").ReconnectRetryPolicy;
        Assert.False(stock.ShouldRetry(60, (int)RedisConfiguration.MaxReconnectInterval.TotalMilliseconds));
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6379")] // the CLI's --cluster form, copied into a service's configuration
    [InlineData("127.0.0.1:6379,,==")]
    [InlineData("http://redis:6379")]
    public void A_registration_with_a_Redis_setting_that_names_no_host_fails_at_once_and_says_which(string redis)
    {
        // StackExchange.Redis reads these as a host named "redis://127.0.0.1" (or "==") on the default port: without
        // this check the service started and only then failed with "It was not possible to connect to the redis server(s)".
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddAudioGrainsClient(o => o.Redis = redis));
        Assert.Contains("is not a host name or address", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost:6379")]
    [InlineData("redis-0.redis.audiograins.svc.cluster.local:6379")]
    [InlineData("[::1]:6379")]
    [InlineData("10.0.0.1:26379,10.0.0.2:26379,serviceName=audiograins")]
    public void Redis_settings_that_name_hosts_are_accepted(string redis) => Assert.Empty(RedisConfiguration.Validate(redis));

    [Fact]
    public void Sentinel_settings_keep_their_service_name_and_endpoints()
    {
        var options = RedisConfiguration.Parse("127.0.0.1:26379,127.0.0.1:26380,serviceName=audiograins");
        Assert.True(RedisConfiguration.IsSentinel(options));
        Assert.Equal(2, options.EndPoints.Count);
        Assert.IsType<ExponentialRetry>(options.ReconnectRetryPolicy);
    }
}
