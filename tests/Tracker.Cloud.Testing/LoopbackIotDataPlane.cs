using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tracker.Cloud.Testing;

/// <summary>
/// A stand-in for IoT Core's data plane on 127.0.0.1 (a free port) that answers <c>DELETE /connections/{clientId}</c>:
/// 200 for a client it holds as connected (and then forgets it, as IoT Core does), 404 for any other, or the status
/// <see cref="FailWith"/> names; and <c>POST /topics/{topic}?qos=1</c> (Publish): 200, recording the topic (decoded) and
/// body in <see cref="Published"/>. It records every request line and its Authorization header. One connection per
/// request (it answers <c>Connection: close</c>); it serves at most 500 requests and stops after 60 s or when disposed.
/// Used by the cloud tests, the handler tests against dynalite and the bootstrap tests.
/// </summary>
public sealed class LoopbackIotDataPlane : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly ConcurrentDictionary<string, bool> _connected = new(StringComparer.Ordinal);
    private readonly Task _serving;

    /// <summary>Starts listening.</summary>
    /// <param name="connected">The client ids that are connected.</param>
    public LoopbackIotDataPlane(params string[] connected)
    {
        foreach (string id in connected)
        {
            _connected[id] = true;
        }

        _listener.Start();
        Endpoint = new Uri("http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        _serving = ServeAsync();
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:{port}</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>When set, every request is answered with this status (IoT Core throttling or refusing).</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>The requests received: method and target, e.g. <c>DELETE /connections/web-1?cleanSession=true&amp;preventWillMessage=true</c>.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The Authorization header of each request, in order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>The messages published (answered 200): the topic, URI-decoded, and the body as UTF-8.</summary>
    public ConcurrentQueue<(string Topic, string Body)> Published { get; } = new();

    /// <summary>The client ids closed (answered 200).</summary>
    public ConcurrentQueue<string> Closed { get; } = new();

    /// <summary>True while <paramref name="clientId"/> is connected (not yet closed).</summary>
    /// <param name="clientId">The client id.</param>
    /// <returns>Whether it is connected.</returns>
    public bool IsConnected(string clientId) => _connected.ContainsKey(clientId);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_serving);
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        try
        {
            for (int served = 0; served < 500 && !_stop.IsCancellationRequested; served++)
            {
                using TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await AnswerAsync(client.GetStream());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }

    private async Task AnswerAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0 && received.Length < 65536)
        {
            int read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            received.Write(buffer, 0, read);
        }

        if (headEnd < 0)
        {
            return;
        }

        string[] lines = Encoding.ASCII.GetString(received.GetBuffer(), 0, headEnd).Split("\r\n");
        string[] first = lines[0].Split(' ');
        string[] headers = lines.Skip(1).TakeWhile(l => l.Length > 0).ToArray();
        string authorization = headers
            .FirstOrDefault(l => l.StartsWith("authorization:", StringComparison.OrdinalIgnoreCase))?["authorization:".Length..].Trim() ?? string.Empty;
        string? lengthHeader = headers.FirstOrDefault(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase))?["content-length:".Length..].Trim();
        int contentLength = int.TryParse(lengthHeader, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? Math.Min(n, 1 << 20) : 0;
        int bodyStart = headEnd + 4;
        while (received.Length - bodyStart < contentLength)
        {
            int read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            received.Write(buffer, 0, read);
        }

        string body = Encoding.UTF8.GetString(received.GetBuffer(), bodyStart, contentLength);
        Requests.Enqueue(first[0] + " " + first[1]);
        Authorizations.Enqueue(authorization);

        HttpStatusCode status;
        const string Prefix = "/connections/";
        const string Topics = "/topics/";
        string path = first[1].Split('?')[0];
        if (FailWith is HttpStatusCode fail)
        {
            status = fail;
        }
        else if (first[0] == "POST" && path.StartsWith(Topics, StringComparison.Ordinal))
        {
            status = HttpStatusCode.OK;
            Published.Enqueue((Uri.UnescapeDataString(path[Topics.Length..]), body));
        }
        else if (first[0] == "DELETE" && path.StartsWith(Prefix, StringComparison.Ordinal) && _connected.TryRemove(path[Prefix.Length..], out _))
        {
            status = HttpStatusCode.OK;
            Closed.Enqueue(path[Prefix.Length..]);
        }
        else
        {
            status = HttpStatusCode.NotFound;
        }

        byte[] payload = Encoding.UTF8.GetBytes(status == HttpStatusCode.OK ? "{}" : "{\"message\":\"" + status + "\"}");
        string response = "HTTP/1.1 " + (int)status + " " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
            + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
        await stream.WriteAsync(payload, _stop.Token);
    }

    private static int IndexOfHeadEnd(MemoryStream received)
    {
        ReadOnlySpan<byte> bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
        return bytes.IndexOf("\r\n\r\n"u8);
    }
}
