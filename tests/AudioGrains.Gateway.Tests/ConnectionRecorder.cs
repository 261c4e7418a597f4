using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AudioGrains.Gateway.Tests;

/// <summary>A TCP listener on 127.0.0.1 that accepts and records every connection made to it (and what was sent first).</summary>
public sealed class ConnectionRecorder : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ConnectionRecorder()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The first bytes (up to 1 KB, as text) of each connection made.</summary>
    public ConcurrentQueue<string> Connections { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var buffer = new byte[1024];
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(2));
                var got = 0;
                try
                {
                    got = await client.GetStream().ReadAsync(buffer, wait.Token);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                }
                Connections.Enqueue(System.Text.Encoding.Latin1.GetString(buffer, 0, got));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
