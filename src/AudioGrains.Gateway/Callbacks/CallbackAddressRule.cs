using System.Net;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// Which addresses a callback may not reach unless AudioGrains:Http:AllowPrivateCallbacks is on: loopback, link-local,
/// private, shared (CGNAT), unspecified, multicast and reserved ranges, also when an IPv6 address carries one of those
/// IPv4 addresses (mapped, compatible, NAT64, 6to4). Otherwise a job's submitter could make the cluster call its own
/// network (cloud metadata at 169.254.169.254, an admin port on localhost).
/// </summary>
public static class CallbackAddressRule
{
    private static readonly (IPNetwork Network, string Kind)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Ipv4Compatible = IPNetwork.Parse("::/96");

    /// <summary>What kind of address this is when callbacks may not reach it (e.g. "loopback"), or null when they may.</summary>
    public static string? RefusalOf(IPAddress address)
    {
        if (EmbeddedIPv4(address) is { } v4) return RefusalOf(v4) is { } embedded ? $"{embedded} (IPv4 {v4} inside IPv6)" : null;
        foreach (var (network, kind) in Refused)
            if (network.Contains(address)) return kind;
        return null;
    }

    /// <summary>The IPv4 address an IPv6 address stands for, when it is one of the forms that reach IPv4 hosts.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        // :: and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
        var compatible = Ipv4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback);
        if (compatible || Nat64.Contains(address)) return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address)) return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }
}
