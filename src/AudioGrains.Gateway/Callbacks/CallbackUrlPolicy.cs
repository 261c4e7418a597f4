using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// Whether a job may be given a callback_url: checked when the job is submitted. An absolute http(s) URL without
/// user-info, at most <see cref="MaxLength"/> characters, whose host resolves only to addresses
/// <see cref="CallbackAddressRule"/> allows (unless AllowPrivateCallbacks), on a cluster that has a signing key. DNS may
/// answer differently by the time the job ends, so the delivery checks the address it connects to again
/// (<see cref="CallbackConnector"/>).
/// </summary>
public sealed class CallbackUrlPolicy(IOptions<GatewayOptions> options)
{
    public const int MaxLength = 2048;

    public async Task<CallbackUrlCheck> CheckAsync(string url, CancellationToken ct = default)
    {
        var gateway = options.Value;
        if (gateway.CallbackSigningKey.Length == 0)
            return CallbackUrlCheck.Refused("this cluster sends no callbacks: AudioGrains:Http:CallbackSigningKey is not set");
        var form = CheckForm(url);
        if (!form.IsAllowed || gateway.AllowPrivateCallbacks) return form;

        var host = HostOf(form.Url!);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, ct);
            }
            catch (SocketException e)
            {
                return CallbackUrlCheck.Refused($"callback_url host {host} cannot be resolved: {e.Message}");
            }
        }
        if (addresses.Length == 0) return CallbackUrlCheck.Refused($"callback_url host {host} has no address");
        foreach (var address in addresses)
        {
            if (CallbackAddressRule.RefusalOf(address) is { } kind)
                return CallbackUrlCheck.Refused($"callback_url host {host} is {(address.ToString() == host ? "" : $"at {address}, ")}a {kind} address; callbacks to it are refused");
        }
        return form;
    }

    /// <summary>The URL's own form, without resolving it (the delivery checks this again: a job may come from a client that skipped the gateway).</summary>
    public static CallbackUrlCheck CheckForm(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return CallbackUrlCheck.Refused("callback_url is empty");
        if (url.Length > MaxLength) return CallbackUrlCheck.Refused($"callback_url is longer than {MaxLength} characters");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return CallbackUrlCheck.Refused("callback_url must be an absolute http or https URL");
        if (uri.UserInfo.Length > 0) return CallbackUrlCheck.Refused("callback_url must not carry a user name or password");
        if (uri.IdnHost.Length == 0) return CallbackUrlCheck.Refused("callback_url has no host");
        return CallbackUrlCheck.Allowed(uri);
    }

    /// <summary>The host to resolve: IDN in its ASCII form, an IPv6 literal without its brackets.</summary>
    internal static string HostOf(Uri url) => url.IdnHost.TrimStart('[').TrimEnd(']');
}
