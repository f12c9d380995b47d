using System.Net;
using System.Net.Sockets;

namespace Tracker.Integration.Tests.Net;

/// <summary>
/// A TCP relay on 127.0.0.1 between a link and the broker that a test can cut and restore: the
/// flapping cellular link. While cut, live connections are reset and new ones are accepted and
/// reset at once (a dead bearer: TCP to the modem works, nothing gets through). It counts the bytes
/// it relays in each direction, which for a TLS connection are the TLS records: the bytes a modem
/// pays for.
/// </summary>
public sealed class CuttableProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Pair> _pairs = [];
    private readonly Task _acceptLoop;
    private long _bytesUp;
    private long _bytesDown;
    private int _accepted;
    private volatile bool _up = true;
    private TaskCompletionSource _downstreamOpen = NewOpenGate();

    /// <summary>Starts relaying 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public CuttableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoop);
    }

    /// <summary>The port to connect to instead of the broker's.</summary>
    public int Port { get; }

    /// <summary>Bytes relayed from clients to the broker.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    /// <summary>Bytes relayed from the broker to clients.</summary>
    public long BytesDown => Interlocked.Read(ref _bytesDown);

    /// <summary>Connections accepted, including those reset while cut.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>True unless cut.</summary>
    public bool IsUp => _up;

    /// <summary>Cuts the link: resets every live connection and every new one until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _up = false;
        Pair[] live;
        lock (_gate)
        {
            live = [.. _pairs];
            _pairs.Clear();
        }

        foreach (Pair p in live)
        {
            p.Reset();
        }

        ReleaseDownstream();
    }

    /// <summary>Lets connections through again.</summary>
    public void Restore() => _up = true;

    /// <summary>
    /// Stops relaying broker-to-client bytes (PUBACKs, CONNACKs) while client-to-broker bytes still
    /// flow, until <see cref="ReleaseDownstream"/> or <see cref="Cut"/>: the broker has a message, the
    /// car has no PUBACK.
    /// </summary>
    public void HoldDownstream()
    {
        lock (_gate)
        {
            if (_downstreamOpen.Task.IsCompleted)
            {
                _downstreamOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Relays broker-to-client bytes again.</summary>
    public void ReleaseDownstream()
    {
        lock (_gate)
        {
            _downstreamOpen.TrySetResult();
        }
    }

    /// <summary>Stops listening and resets everything.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            if (!_up)
            {
                ResetSocket(client);
                continue;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Broker down: the client sees the connection close, as with a refused connect.
            ResetSocket(client);
            server.Dispose();
            return;
        }

        var pair = new Pair(client, server);
        lock (_gate)
        {
            if (!_up)
            {
                pair.Reset();
                return;
            }

            _pairs.Add(pair);
        }

        Task up = PumpAsync(client, server, pair, upstream: true);
        Task down = PumpAsync(server, client, pair, upstream: false);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        lock (_gate)
        {
            _pairs.Remove(pair);
        }

        pair.Reset();
    }

    private async Task PumpAsync(Socket from, Socket to, Pair pair, bool upstream)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (!upstream)
                {
                    Task open;
                    lock (_gate)
                    {
                        open = _downstreamOpen.Task;
                    }

                    await open.ConfigureAwait(false);
                    if (pair.IsReset)
                    {
                        break;
                    }
                }

                // Counted once sent on: a byte the cut swallowed was not on the wire past the proxy.
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
                Interlocked.Add(ref upstream ? ref _bytesUp : ref _bytesDown, n);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        // One side closed or failed: take the whole connection down, as a dead bearer does.
        pair.Reset();
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static void ResetSocket(Socket s)
    {
        try
        {
            s.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        s.Dispose();
    }

    private sealed class Pair(Socket client, Socket server)
    {
        private int _reset;

        public bool IsReset => Volatile.Read(ref _reset) != 0;

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 0)
            {
                ResetSocket(client);
                ResetSocket(server);
            }
        }
    }
}
