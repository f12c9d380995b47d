using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Testing;

/// <summary>
/// The HTTP side the loopback AWS stand-ins share (<see cref="LoopbackIotControlPlane"/>, <see cref="LoopbackIotThings"/>):
/// a free port on 127.0.0.1, one request answered at a time, each logged with its signature's verdict, refused with 403
/// <c>InvalidSignatureException</c> when the signature does not hold, else routed; a test's scripted answer
/// (<see cref="FailNext"/>, <see cref="AnswerNext"/>) replaces the next signed request's. AWS's error shape: the
/// <c>x-amzn-ErrorType</c> header and a <c>{"message"}</c> body. Serves at most the requests it is given and stops
/// after its lifetime or when disposed.
/// </summary>
public sealed class LoopbackAwsListener : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop;
    private readonly Queue<(int Status, string? ErrorType, string Body)> _scripted = new();
    private readonly Func<HttpListenerRequest, string, string, byte[], bool> _signed;
    private readonly Func<string, string[], Dictionary<string, string>, byte[], (int Status, string? ErrorType, string Body)> _route;
    private readonly int _maxRequests;
    private readonly Task _serving;

    /// <summary>Starts listening.</summary>
    /// <param name="maxRequests">How many requests it answers before it stops.</param>
    /// <param name="lifetime">How long it listens at the most.</param>
    /// <param name="signed">Whether a request's signature holds: the request, its path as sent, its query string, its body.</param>
    /// <param name="route">The answer to a signed request: its method, its path's decoded segments, its query parameters, its body.</param>
    public LoopbackAwsListener(int maxRequests, TimeSpan lifetime, Func<HttpListenerRequest, string, string, byte[], bool> signed, Func<string, string[], Dictionary<string, string>, byte[], (int Status, string? ErrorType, string Body)> route)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(route);
        _maxRequests = maxRequests;
        _signed = signed;
        _route = route;
        _stop = new CancellationTokenSource(lifetime);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Each request: its method, target and signature verdict (<c>PUT /jobs/rollout-x ok</c>).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Answers the next signed request with an AWS error instead.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorType">The <c>x-amzn-ErrorType</c>.</param>
    public void FailNext(int status, string errorType)
    {
        lock (_gate)
        {
            _scripted.Enqueue((status, errorType, "{\"message\":\"" + errorType + " from the loopback\"}"));
        }
    }

    /// <summary>Answers the next signed request with these bytes (status 200): a malformed answer.</summary>
    /// <param name="body">The body.</param>
    public void AnswerNext(string body)
    {
        lock (_gate)
        {
            _scripted.Enqueue((200, null, body));
        }
    }

    /// <summary>A page of a listing as IoT pages one: <c>maxResults</c> (1 to 250, 50 unless given) from <c>nextToken</c>.</summary>
    /// <param name="name">The array's name.</param>
    /// <param name="items">Everything listed.</param>
    /// <param name="query">The request's query parameters.</param>
    /// <returns>The page, with <c>nextToken</c> when more follow.</returns>
    public static JsonObject Page(string name, List<JsonNode> items, Dictionary<string, string> query)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(query);
        int size = query.TryGetValue("maxResults", out string? m) && int.TryParse(m, CultureInfo.InvariantCulture, out int n) ? Math.Clamp(n, 1, 250) : 50;
        int from = query.TryGetValue("nextToken", out string? token) && int.TryParse(token, CultureInfo.InvariantCulture, out int at) ? at : 0;
        var page = new JsonObject { [name] = new JsonArray([.. items.Skip(from).Take(size)]) };
        if (from + size < items.Count)
        {
            page["nextToken"] = (from + size).ToString(CultureInfo.InvariantCulture);
        }

        return page;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_serving);
        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        try
        {
            for (int served = 0; served < _maxRequests && !_stop.IsCancellationRequested; served++)
            {
                HttpListenerContext context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
                await AnswerAsync(context);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await request.InputStream.CopyToAsync(copy, _stop.Token);
            body = copy.ToArray();
        }

        string raw = request.RawUrl ?? "/";
        string path = raw.Split('?')[0];
        string query = raw.Contains('?', StringComparison.Ordinal) ? raw[(raw.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        bool signed = _signed(request, path, query, body);
        Requests.Enqueue(request.HttpMethod + " " + raw + (signed ? " ok" : " bad-signature"));
        (int status, string? errorType, string answer) = signed
            ? _route(request.HttpMethod, path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray(), Query(query), body)
            : (403, "InvalidSignatureException", "{\"message\":\"The request signature we calculated does not match the signature you provided.\"}");
        lock (_gate)
        {
            if (signed && _scripted.Count > 0)
            {
                (status, errorType, answer) = _scripted.Dequeue();
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (errorType is not null)
        {
            context.Response.Headers["x-amzn-ErrorType"] = errorType + ":http://internal.amazon.com/coral/com.amazonaws.iot/";
        }

        byte[] bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
        context.Response.Close();
    }

    private static Dictionary<string, string> Query(string query) => query.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty, StringComparer.Ordinal);
}
