using System.Globalization;
using System.Text;

namespace Tracker.Core.Tests.Modem;

/// <summary>
/// The simulated modem's HTTP(S) client (<c>AT+SH*</c>): one connection to the configured URL's host, request headers,
/// a GET that answers with a <c>+SHREQ:</c> URC, and the body read back with <c>AT+SHREAD</c> (OK, then a
/// <c>+SHREAD: n</c> line and n raw bytes). It serves <see cref="HttpImage"/> at <see cref="HttpPath"/> with range
/// requests. Faults: refused connections, a status forced on every request, and the link cut at a chosen read.
/// </summary>
public sealed partial class Sim7080Simulator
{
    /// <summary>The image served (null: every path is 404).</summary>
    public byte[]? HttpImage { get; set; }

    /// <summary>The path (with its query) the image is served at.</summary>
    public string HttpPath { get; set; } = "/image";

    /// <summary>A status every request gets instead (0: none), e.g. 403 for an expired pre-signed URL.</summary>
    public int HttpForcedStatus { get; set; }

    /// <summary><c>AT+SHCONN</c> attempts still to refuse.</summary>
    public int HttpConnectRefusals { get; set; }

    /// <summary>Cut the link at every n-th <c>AT+SHREAD</c> (0: never): that read answers ERROR and the connection is gone.</summary>
    public int HttpCutEveryReads { get; set; }

    /// <summary>Time the TLS connection takes to open, ms.</summary>
    public int HttpConnectMs { get; set; } = 1500;

    /// <summary>Time from a request to its <c>+SHREQ:</c> URC, ms (a cellular round trip).</summary>
    public int HttpRequestMs { get; set; } = 300;

    /// <summary>The HTTP client's connection is open.</summary>
    public bool ShConnected { get; private set; }

    /// <summary>What <c>AT+SHCONF</c> set.</summary>
    public Dictionary<string, string> ShConfig { get; } = new(StringComparer.Ordinal);

    /// <summary>The request headers (<c>AT+SHAHEAD</c>).</summary>
    public Dictionary<string, string> ShHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>AT+SHSSL</c>: the SSL context and the CA file.</summary>
    public (int Context, string Ca)? ShSslSetting { get; private set; }

    /// <summary>Connections opened.</summary>
    public int HttpConnects { get; private set; }

    /// <summary>Requests answered.</summary>
    public int HttpRequests { get; private set; }

    /// <summary><c>AT+SHREAD</c> commands received.</summary>
    public int HttpReads { get; private set; }

    /// <summary>Bytes the host wrote to the UART.</summary>
    public long BytesFromHost { get; private set; }

    /// <summary>Bytes the modem sent to the host over the UART.</summary>
    public long BytesToHost { get; private set; }

    private byte[]? _shBody;

    private void ResetHttp()
    {
        ShConnected = false;
        ShConfig.Clear();
        ShHeaders.Clear();
        ShSslSetting = null;
        _shBody = null;
    }

    private void ShConf(string[] a)
    {
        int n = 0;
        bool ok = a.Length == 2 && a[0] switch
        {
            "URL" => a[1].StartsWith("https://", StringComparison.Ordinal) || a[1].StartsWith("http://", StringComparison.Ordinal),
            "BODYLEN" => int.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out n) && n is > 0 and <= 4096,
            "HEADERLEN" => int.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out n) && n is > 0 and <= 350,
            _ => false,
        };
        if (ok && !ShConnected)
        {
            ShConfig[a[0]] = a[1];
        }

        Final(ok && !ShConnected);
    }

    private void ShSsl(string[] a)
    {
        bool ok = a.Length >= 2 && int.TryParse(a[0], NumberStyles.None, CultureInfo.InvariantCulture, out int ctx) && ctx <= 5 && Files.ContainsKey(a[1]);
        if (ok)
        {
            ShSslSetting = (int.Parse(a[0], CultureInfo.InvariantCulture), a[1]);
        }

        Final(ok);
    }

    private void ShConn()
    {
        // TLS to the URL's host needs a context whose SNI names that host (not the MQTT broker's).
        string host = ShConfig.TryGetValue("URL", out string? url) ? new Uri(url).Host : "";
        bool ready = PdpActive && !ShConnected && host.Length > 0 && ShSslSetting is { } ssl
            && SslContexts.TryGetValue(ssl.Context, out var context) && context.Version == 3 && context.Sni == host;
        if (!ready || HttpConnectRefusals > 0)
        {
            HttpConnectRefusals = Math.Max(0, HttpConnectRefusals - (ready ? 1 : 0));
            Final(false, HttpConnectMs);
            return;
        }

        ShConnected = true;
        HttpConnects++;
        Final(true, HttpConnectMs);
    }

    private void ShDisc()
    {
        bool was = ShConnected;
        ShConnected = false;
        _shBody = null;
        Final(was);
    }

    private void ShReq(string[] a)
    {
        if (!ShConnected || a.Length != 2 || a[1] != "1")
        {
            Final(false);
            return;
        }

        Final(true);
        HttpRequests++;
        (int status, byte[] body) = Answer(a[0]);
        _shBody = body;
        Line(HttpRequestMs, "+SHREQ: \"GET\"," + status.ToString(CultureInfo.InvariantCulture) + "," + body.Length.ToString(CultureInfo.InvariantCulture));
    }

    private (int Status, byte[] Body) Answer(string path)
    {
        if (HttpForcedStatus != 0)
        {
            return (HttpForcedStatus, []);
        }

        if (HttpImage is not { } image || path != HttpPath)
        {
            return (404, []);
        }

        if (!ShHeaders.TryGetValue("Range", out string? range))
        {
            return (200, image);
        }

        string[] span = range.StartsWith("bytes=", StringComparison.Ordinal) ? range[6..].Split('-') : [];
        if (span.Length != 2 || !int.TryParse(span[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            || !int.TryParse(span[1], NumberStyles.None, CultureInfo.InvariantCulture, out int last) || last < first || first >= image.Length)
        {
            return (416, []);
        }

        last = Math.Min(last, image.Length - 1);
        int length = last - first + 1;
        int bodyMax = ShConfig.TryGetValue("BODYLEN", out string? b) ? int.Parse(b, CultureInfo.InvariantCulture) : 1024;
        return length > bodyMax ? (711, []) : (206, image[first..(last + 1)]);
    }

    private void ShRead(string[] a)
    {
        HttpReads++;
        if (_shBody is not { } body || a.Length != 2
            || !int.TryParse(a[0], NumberStyles.None, CultureInfo.InvariantCulture, out int start)
            || !int.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
            || length < 1 || start > body.Length - length)
        {
            Final(false);
            return;
        }

        if (HttpCutEveryReads > 0 && HttpReads % HttpCutEveryReads == 0)
        {
            ShConnected = false;
            _shBody = null;
            Final(false);
            return;
        }

        Final(true);
        byte[] header = Encoding.ASCII.GetBytes("\r\n+SHREAD: " + length.ToString(CultureInfo.InvariantCulture) + "\r\n");
        Schedule(Clock.NowMs + ResponseDelayMs, [.. header, .. body.AsSpan(start, length)]);
    }
}
