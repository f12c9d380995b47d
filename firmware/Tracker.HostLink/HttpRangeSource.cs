using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Common;
using Tracker.Core.Control;

namespace Tracker.HostLink;

/// <summary>
/// An update image's bytes over HTTPS with range requests (RFC 9110 §14), the host's (and the Wi-Fi path's) transport
/// for <see cref="StagedDownload"/>: <c>Range: bytes=a-b</c>, a 206 whose <c>Content-Range</c> starts at the offset
/// asked for. A connection cut mid-body gives the bytes that arrived (a short range, which the download drops and asks
/// again); 403, 404, 410 and 416 are refusals (a pre-signed URL expired or the image is gone); anything else is a link
/// that is down. The server's certificate is checked against the given CA only. Never throws for the network.
/// </summary>
public sealed class HttpRangeSource : IRangeSource, IDisposable
{
    private readonly HttpClient _http;
    private Uri _url;

    /// <summary>Builds the source.</summary>
    /// <param name="url">The image's https URL.</param>
    /// <param name="trustedCa">The CA the server's certificate must chain to (the only one trusted).</param>
    /// <param name="timeout">The longest wait for one range.</param>
    public HttpRangeSource(Uri url, X509Certificate2 trustedCa, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(trustedCa);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("the image URL must be https", nameof(url));
        }

        _url = url;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, trustedCa),
            },
        };
        _http = new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>Requests made.</summary>
    public int Requests { get; private set; }

    /// <summary>Ranges that ended early or failed (the link cut mid-body, or no answer).</summary>
    public int Drops { get; private set; }

    /// <summary>Bytes received, whole ranges and cut ones.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Gives a fresh URL (a new pre-signed one after a refusal).</summary>
    /// <param name="url">The URL.</param>
    public void Renew(Uri url) => _url = url ?? throw new ArgumentNullException(nameof(url));

    /// <inheritdoc/>
    public RangeResult Read(int offset, byte[] buffer, int count, out int read)
    {
        read = 0;
        if (offset < 0 || count < 1 || buffer is null || count > buffer.Length)
        {
            return RangeResult.Refused;
        }

        Requests++;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            request.Headers.Range = new RangeHeaderValue(offset, offset + (long)count - 1);
            using HttpResponseMessage response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return RangeResult.Refused;
            }

            ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
            if (response.StatusCode != HttpStatusCode.PartialContent || range?.From != offset)
            {
                // A server that ignores Range (200) or answers another range: not a byte of it is taken.
                Drops++;
                return RangeResult.LinkDown;
            }

            using Stream body = response.Content.ReadAsStream();
            int n;
            while (read < count && (n = body.Read(buffer, read, count - read)) > 0)
            {
                read += n;
            }

            BytesReceived += read;
            if (read < count)
            {
                Drops++;
            }

            return RangeResult.Ok;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
        {
            // Cut mid-body: what arrived is a short range (dropped by the download); before any byte: the link is down.
            Drops++;
            BytesReceived += read;
            return read > 0 ? RangeResult.Ok : RangeResult.LinkDown;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    internal static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
