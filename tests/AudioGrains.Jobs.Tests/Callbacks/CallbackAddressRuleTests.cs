using System.Net;
using AudioGrains.Gateway.Callbacks;

namespace AudioGrains.Jobs.Tests.Callbacks;

/// <summary>The address rule as a pure function: no name is resolved, no connection made.</summary>
public sealed class CallbackAddressRuleTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("100.127.255.254", "shared (CGNAT)")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fc00::1", "private (unique local)")]
    [InlineData("fd12:3456::1", "private (unique local)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    public void Refuses_addresses_of_the_cluster_s_own_networks(string address, string kind) =>
        Assert.Equal(kind, CallbackAddressRule.RefusalOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:192.168.0.1", "private")]
    [InlineData("::ffff:100.64.1.1", "shared (CGNAT)")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    public void Refuses_IPv6_forms_that_carry_a_refused_IPv4_address(string address, string kind)
    {
        var refusal = CallbackAddressRule.RefusalOf(IPAddress.Parse(address));
        Assert.NotNull(refusal);
        Assert.StartsWith(kind + " (IPv4 ", refusal);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("64:ff9b::808:808")]
    public void Allows_public_addresses(string address) => Assert.Null(CallbackAddressRule.RefusalOf(IPAddress.Parse(address)));
}
