using System.Net;
using System.Net.Sockets;

namespace AudioGrains.Hosting;

/// <summary>A TCP port free on loopback right now, so several embedded runs can share a machine.</summary>
public static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
