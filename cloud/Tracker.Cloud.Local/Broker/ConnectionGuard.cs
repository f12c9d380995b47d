using System.Collections.Concurrent;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// Keeps connections that have not yet proven who they are from taking the host down (issue 15, F2): each one must
/// finish its TLS handshake and MQTT CONNECT within <see cref="ConnectTimeout"/> or it is closed, and no more than
/// <see cref="MaxPending"/> may be waiting at once on each listener: a new connection past that closes the one that has
/// waited longest, so a flood cannot keep a car that completes its handshake promptly out. The HTTP listener
/// holds at most <see cref="MaxHttpConnections"/> connections. The broker tells the guard when a CONNECT was accepted
/// (<see cref="Connected"/>), by the connection's remote end point.
/// </summary>
public sealed partial class ConnectionGuard
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly HostMetrics _metrics;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly LinkedList<Pending> _carQueue = new();
    private readonly LinkedList<Pending> _webQueue = new();
    private int _http;

    /// <summary>Creates the guard.</summary>
    /// <param name="connectTimeout">Handshake plus CONNECT deadline.</param>
    /// <param name="maxPending">Connections that may wait for it at once, per listener.</param>
    /// <param name="maxHttpConnections">Open HTTP connections at once.</param>
    /// <param name="metrics">Counters (refusals by reason).</param>
    /// <param name="log">The log.</param>
    public ConnectionGuard(TimeSpan connectTimeout, int maxPending, int maxHttpConnections, HostMetrics metrics, ILogger<ConnectionGuard> log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHttpConnections, 1);
        ConnectTimeout = connectTimeout;
        MaxPending = maxPending;
        MaxHttpConnections = maxHttpConnections;
        _metrics = metrics;
        _log = log;
    }

    /// <summary>The handshake plus CONNECT deadline.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>Connections that may wait for their CONNECT at once, per listener.</summary>
    public int MaxPending { get; }

    /// <summary>Open HTTP connections at once.</summary>
    public int MaxHttpConnections { get; }

    /// <summary>Connections waiting for their handshake or CONNECT now (both listeners).</summary>
    public int PendingNow
    {
        get
        {
            lock (_gate)
            {
                return _carQueue.Count + _webQueue.Count;
            }
        }
    }

    /// <summary>Connection middleware of the cars' TLS listener, before the handshake: the cap and the deadline.</summary>
    /// <param name="next">The rest of the connection pipeline (TLS, then MQTT).</param>
    /// <returns>The guarded pipeline.</returns>
    public ConnectionDelegate GuardCars(ConnectionDelegate next) => async connection =>
    {
        using Pending pending = Admit(connection.RemoteEndPoint, connection.Abort, Which.Car);
        await next(connection).ConfigureAwait(false);
    };

    /// <summary>Connection middleware of the HTTP listener: at most <see cref="MaxHttpConnections"/> open at once.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>The guarded pipeline.</returns>
    public ConnectionDelegate GuardHttp(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _http) > MaxHttpConnections)
        {
            Interlocked.Decrement(ref _http);
            _metrics.Refuse("http-connection-cap");
            connection.Abort();
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _http);
        }
    };

    /// <summary>Request middleware on the browsers' WebSocket path: the CONNECT deadline and cap, from the upgrade.</summary>
    /// <param name="context">The upgrade request.</param>
    /// <param name="next">The MQTT connection handler (for the WebSocket's whole life).</param>
    /// <returns>When the WebSocket ends.</returns>
    public async Task GuardWebSocketAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        EndPoint? remote = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort) : null;
        using Pending pending = Admit(remote, context.Abort, Which.Web);
        await next().ConfigureAwait(false);
    }

    /// <summary>The broker accepted a CONNECT from <paramref name="remote"/>: its deadline no longer applies.</summary>
    /// <param name="remote">The connection's remote end point.</param>
    public void Connected(EndPoint? remote)
    {
        if (KeyOf(remote) is { } key && _pending.TryGetValue(key, out Pending? pending))
        {
            pending.Settle();
        }
    }

    /// <summary>Wraps an MQTT connection's input so that a packet longer than <see cref="BrokerLimits.MaxPacketBytes"/> ends it from its header.</summary>
    /// <param name="connection">The connection (after TLS).</param>
    /// <param name="stop">Ends the pump (when MQTT is done with the connection).</param>
    /// <returns>The pump, which stops when the connection's input ends or <paramref name="stop"/> is cancelled.</returns>
    public Task LimitFrames(ConnectionContext connection, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(connection);
        IDuplexPipe transport = connection.Transport;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: BrokerLimits.MaxPacketBytes * 2L, resumeWriterThreshold: BrokerLimits.MaxPacketBytes, useSynchronizationContext: false));
        connection.Transport = new Duplex(pipe.Reader, transport.Output);
        return PumpAsync(transport.Input, pipe.Writer, connection, stop);
    }

    private async Task PumpAsync(PipeReader input, PipeWriter output, ConnectionContext connection, CancellationToken stop)
    {
        var scanner = new MqttFrameScanner(BrokerLimits.MaxPacketBytes);
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult read = await input.ReadAsync(stop).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in read.Buffer)
                {
                    if (!scanner.Scan(segment.Span))
                    {
                        _metrics.Refuse("packet-size");
                        LogPacketRefused(connection.RemoteEndPoint?.ToString() ?? "?", scanner.RefusedLength, BrokerLimits.MaxPacketBytes);
                        throw new InvalidDataException("an MQTT packet longer than " + BrokerLimits.MaxPacketBytes + " bytes");
                    }

                    output.Write(segment.Span);
                }

                input.AdvanceTo(read.Buffer.End);
                FlushResult flushed = await output.FlushAsync(stop).ConfigureAwait(false);
                if (read.IsCompleted || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
        {
            failure = e;
            if (e is InvalidDataException)
            {
                connection.Abort(new ConnectionAbortedException(e.Message));
            }
        }
        finally
        {
            await output.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private Pending Admit(EndPoint? remote, Action abort, Which listener)
    {
        var pending = new Pending(this, KeyOf(remote), abort, ConnectTimeout, listener);
        var evicted = new List<Pending>();
        lock (_gate)
        {
            LinkedList<Pending> queue = QueueOf(listener);
            while (queue.Count >= MaxPending && queue.First?.Value is { } oldest)
            {
                queue.RemoveFirst();
                oldest.Node = null;
                evicted.Add(oldest);
            }

            pending.Node = queue.AddLast(pending);
        }

        if (pending.Key is not null)
        {
            _pending[pending.Key] = pending;
        }

        foreach (Pending old in evicted)
        {
            _metrics.Refuse("pending-evicted");
            old.Expire();
        }

        return pending;
    }

    private void Release(Pending pending)
    {
        if (pending.Key is not null)
        {
            _pending.TryRemove(KeyValuePair.Create(pending.Key, pending));
        }

        lock (_gate)
        {
            if (pending.Node is { } node)
            {
                QueueOf(pending.Listener).Remove(node);
                pending.Node = null;
            }
        }
    }

    private LinkedList<Pending> QueueOf(Which listener) => listener == Which.Car ? _carQueue : _webQueue;

    private void TimedOut()
    {
        _metrics.Refuse("connect-timeout");
    }

    private static string? KeyOf(EndPoint? remote) => remote is IPEndPoint ip
        ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address) + "|" + ip.Port
        : null;

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Closed {Remote}: it sent an MQTT packet of {Length} bytes; the limit is {Limit} (AWS IoT Core's 128 KiB message and its topic)")]
    private partial void LogPacketRefused(string remote, long length, int limit);

    private enum Which
    {
        Car,
        Web,
    }

    /// <summary>One connection before its CONNECT: its deadline, and its place in the count until it settles or ends.</summary>
    private sealed class Pending : IDisposable
    {
        private readonly ConnectionGuard _guard;
        private readonly ITimer _deadline;
        private readonly Action _abort;
        private int _settled;

        public Pending(ConnectionGuard guard, string? key, Action abort, TimeSpan timeout, Which listener)
        {
            _guard = guard;
            _abort = abort;
            Key = key;
            Listener = listener;
            _deadline = TimeProvider.System.CreateTimer(
                _ =>
                {
                    if (Interlocked.Exchange(ref _settled, 1) == 0)
                    {
                        _guard.Release(this);
                        _guard.TimedOut();
                        _abort();
                    }
                },
                null,
                timeout,
                Timeout.InfiniteTimeSpan);
        }

        public string? Key { get; }

        public Which Listener { get; }

        /// <summary>Its place in its listener's queue (guarded by the guard's lock); null once out of it.</summary>
        public LinkedListNode<Pending>? Node { get; set; }

        /// <summary>Closed to make room for a newer connection.</summary>
        public void Expire()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                _deadline.Dispose();
                _guard.Release(this);
                _abort();
            }
        }

        public void Settle()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                _deadline.Dispose();
                _guard.Release(this);
            }
        }

        public void Dispose() => Settle();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
