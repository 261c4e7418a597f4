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

    [Fact]
    public void Sentinel_settings_keep_their_service_name_and_endpoints()
    {
        var options = RedisConfiguration.Parse("127.0.0.1:26379,127.0.0.1:26380,serviceName=audiograins");
        Assert.True(RedisConfiguration.IsSentinel(options));
        Assert.Equal(2, options.EndPoints.Count);
        Assert.IsType<ExponentialRetry>(options.ReconnectRetryPolicy);
    }
}
