using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Api;
using Tracker.Core.Common;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// The car's byte connection (<see cref="IByteConnection"/>) to the API function as API Gateway's HTTP API puts it in
/// between: each HTTP/1.1 request the car writes becomes a payload format 2.0 event (path, query, lower-cased headers, no
/// authorizer: the image route has none), the handler's JSON answer becomes the HTTP answer the car reads (the body
/// base64-decoded when <c>isBase64Encoded</c>, <c>Content-Length</c> set as API Gateway sets it). In process, no sockets.
/// </summary>
internal sealed class HttpApiConnection(ApiHandler handler) : IByteConnection
{
    private readonly MemoryStream _request = new();
    private byte[] _answer = [];
    private int _read;

    /// <summary>The range headers the car sent, in order.</summary>
    public List<string> Ranges { get; } = [];

    /// <summary>The statuses answered, in order.</summary>
    public List<int> Statuses { get; } = [];

    public bool IsOpen { get; private set; }

    public bool Open(string host, int port)
    {
        IsOpen = true;
        return true;
    }

    public bool Write(byte[] data, int offset, int count)
    {
        _request.Write(data, offset, count);
        string text = Encoding.ASCII.GetString(_request.ToArray());
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return true;
        }

        _request.SetLength(0);
        string[] lines = text[..end].Split("\r\n");
        string[] start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        if (headers.TryGetValue("range", out string? range))
        {
            Ranges.Add(range);
        }

        _answer = Answer(start[0], start[1], headers);
        _read = 0;
        return true;
    }

    public int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(count, _answer.Length - _read);
        Array.Copy(_answer, _read, buffer, offset, n);
        _read += n;
        return n;
    }

    public void Close() => IsOpen = false;

    /// <summary>One request through the handler, as API Gateway would pass it, and the HTTP answer's bytes.</summary>
    public byte[] Answer(string method, string target, IReadOnlyDictionary<string, string> headers)
    {
        int question = target.IndexOf('?', StringComparison.Ordinal);
        string path = question < 0 ? target : target[..question];
        string query = question < 0 ? string.Empty : target[(question + 1)..];
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .GroupBy(p => Uri.UnescapeDataString(p[0]))
            .ToDictionary(g => g.Key, g => string.Join(',', g.Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty)));
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, parameters.Count == 0 ? null : parameters, null, method))!.AsObject();
        evt["rawQueryString"] = query;
        evt["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value))));
        using Stream output = handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None).GetAwaiter().GetResult();
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        int status = (int)response["statusCode"]!;
        Statuses.Add(status);
        string text = (string?)response["body"] ?? string.Empty;
        byte[] body = response["isBase64Encoded"]?.GetValue<bool>() == true ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        var head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
        foreach ((string name, JsonNode? value) in response["headers"]!.AsObject())
        {
            head.Append(name).Append(": ").Append((string?)value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }
}
