using System.Net;
using System.Net.Sockets;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// Opens a callback's connection (SocketsHttpHandler.ConnectCallback) only to an address <see cref="CallbackAddressRule"/>
/// allows, unless private callbacks are allowed. The submit-time check resolved the name once; DNS may answer
/// otherwise now (rebinding), so the address checked here is the one connected to.
/// </summary>
public sealed class CallbackConnector(bool allowPrivate)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        IPAddress[] addresses = IPAddress.TryParse(host.TrimStart('[').TrimEnd(']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(a => CallbackAddressRule.RefusalOf(a) is null).ToArray();
        if (allowed.Length == 0)
        {
            var refused = addresses.FirstOrDefault();
            throw new CallbackAddressRefusedException(refused is null
                ? $"callback host {host} has no address"
                : $"callback host {host} is at {refused}, a {CallbackAddressRule.RefusalOf(refused)} address; callbacks to it are refused");
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}

/// <summary>A callback's host resolved only to addresses callbacks may not reach: trying again cannot help.</summary>
public sealed class CallbackAddressRefusedException(string message) : IOException(message);
