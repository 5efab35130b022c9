using System.Net;
using System.Net.Sockets;

namespace AccessTokenGateway.Benchmarks;

/// <summary>A loopback TCP proxy that holds every chunk for a fixed delay each way: a network with a round trip.</summary>
internal sealed class DelayProxy(int upstreamPort, TimeSpan delay) : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    public int Port { get; private set; }

    public DelayProxy Start()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
        return this;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort);
            client.NoDelay = upstream.NoDelay = true;
            _ = Pump(client.GetStream(), upstream.GetStream());
            _ = Pump(upstream.GetStream(), client.GetStream());
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await Task.Delay(delay);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { /* either side closed */ }
        finally
        {
            try { to.Socket.Shutdown(SocketShutdown.Send); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }
    }

    public ValueTask DisposeAsync() { _stop.Cancel(); _listener.Stop(); return ValueTask.CompletedTask; }
}
