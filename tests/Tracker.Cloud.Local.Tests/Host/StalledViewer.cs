using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// A browser that stops reading: MQTT 3.1.1 over the host's WebSocket, its packets written by hand (MQTTnet's client
/// always reads, and queues what it reads), that connects, subscribes, reads its SUBACK and then never reads again. Its
/// socket's receive buffer is small, so the host's writes back up after a few kilobytes, as behind a stalled tab or a
/// slow mobile link.
/// </summary>
public sealed class StalledViewer : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;

    private StalledViewer(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>Connects (keep-alive off), subscribes to <paramref name="filter"/> and stops reading.</summary>
    /// <param name="httpUrl">The host's HTTP address (the broker is at <c>/mqtt</c>).</param>
    /// <param name="clientId">The client id (<c>web-...</c>).</param>
    /// <param name="user">The user name.</param>
    /// <param name="token">The user's token, the MQTT password.</param>
    /// <param name="filter">The topic filter.</param>
    /// <returns>The viewer, subscribed.</returns>
    public static async Task<StalledViewer> ConnectAsync(Uri httpUrl, string clientId, string user, string token, string filter)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("mqtt");
        var viewer = new StalledViewer(ws, invoker);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await ws.ConnectAsync(new Uri(httpUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/mqtt"), invoker, timeout.Token);

            // CONNECT (MQTT 3.1.1 §3.1): protocol "MQTT" level 4; user name, password and clean session; keep-alive 0 (off).
            var connect = new List<byte>();
            Text(connect, "MQTT");
            connect.AddRange([4, 0xC2, 0, 0]);
            Text(connect, clientId);
            Text(connect, user);
            Text(connect, token);
            await viewer.SendAsync(0x10, connect, timeout.Token);
            byte[] connack = await viewer.ReadAsync(4, timeout.Token);
            if (connack[0] != 0x20 || connack[3] != 0)
            {
                throw new InvalidOperationException("CONNACK refused: " + Convert.ToHexString(connack));
            }

            // SUBSCRIBE (§3.8): packet id 1, one filter at QoS 0; the SUBACK (§3.9) grants 0 or refuses with 0x80.
            var subscribe = new List<byte> { 0, 1 };
            Text(subscribe, filter);
            subscribe.Add(0);
            await viewer.SendAsync(0x82, subscribe, timeout.Token);
            byte[] suback = await viewer.ReadAsync(5, timeout.Token);
            if (suback[0] != 0x90 || suback[4] != 0)
            {
                throw new InvalidOperationException("SUBACK refused: " + Convert.ToHexString(suback));
            }

            return viewer;
        }
        catch
        {
            await viewer.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Text(List<byte> packet, string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        packet.Add((byte)(utf8.Length >> 8));
        packet.Add((byte)utf8.Length);
        packet.AddRange(utf8);
    }

    private async Task SendAsync(byte type, List<byte> body, CancellationToken cancellationToken)
    {
        // The fixed header: the type, then the remaining length, 7 bits a byte, low first (§2.2.3).
        var packet = new List<byte> { type };
        int length = body.Count;
        do
        {
            byte digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        packet.AddRange(body);
        await _socket.SendAsync(packet.ToArray(), WebSocketMessageType.Binary, true, cancellationToken);
    }

    private async Task<byte[]> ReadAsync(int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            WebSocketReceiveResult result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, read, count - read), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("the broker closed the WebSocket");
            }

            read += result.Count;
        }

        return buffer;
    }
}
