using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// Signs a request to IoT Core's data plane with AWS Signature Version 4 (signing name <see cref="SigningService"/>),
/// by AWSSDK.Core's signer: there is no AWSSDK.IotData package here, so DeleteConnection (<see cref="IotConnectionCloser"/>)
/// and Publish (<see cref="IotEventPublisher"/>) build their requests by hand and share this.
/// </summary>
public sealed class IotDataPlaneSigner
{
    /// <summary>The IoT data plane's SigV4 signing name.</summary>
    public const string SigningService = "iotdata";

    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly Func<ImmutableCredentials> _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates the signer.</summary>
    /// <param name="endpoint">The account's IoT data endpoint, a bare <c>scheme://host[:port]</c>.</param>
    /// <param name="region">The region the endpoint is in.</param>
    /// <param name="credentials">The function's credentials, read for each request (Lambda's role's keys rotate).</param>
    /// <param name="clock">"Now", for the signature's date.</param>
    public IotDataPlaneSigner(Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        if (!endpoint.IsAbsoluteUri || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("the IoT data endpoint must be a bare scheme://host[:port], not '" + endpoint + "'", nameof(endpoint));
        }

        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _clock = clock;
    }

    /// <summary>The endpoint.</summary>
    public Uri Endpoint => _endpoint;

    /// <summary>
    /// Builds a signed request. <paramref name="path"/> is sent as given (already URI-encoded); the canonical path
    /// encodes it once more, as SigV4 does for every service but S3.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The URI-encoded path, starting with '/'.</param>
    /// <param name="query">The canonical query string (parameters sorted, encoded), or empty.</param>
    /// <param name="body">The body, or null for none.</param>
    /// <returns>The request, with Host, X-Amz-Date, X-Amz-Security-Token (when the credentials hold one) and Authorization.</returns>
    public HttpRequestMessage Create(HttpMethod method, string path, string query, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(query);
        var request = new HttpRequestMessage(method, new Uri(_endpoint, query.Length == 0 ? path : path + "?" + query));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        ImmutableCredentials credentials = _credentials();
        DateTime now = _clock.GetUtcNow().UtcDateTime;
        string amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string host = _endpoint.IsDefaultPort ? _endpoint.Host : _endpoint.Host + ":" + _endpoint.Port.ToString(CultureInfo.InvariantCulture);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-date"] = amzDate };
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        string signedHeaders = string.Join(';', headers.Keys);
        string canonicalRequest = string.Join('\n',
            method.Method,
            CanonicalPath(path),
            query,
            string.Concat(headers.Select(h => h.Key + ":" + h.Value.Trim() + "\n")),
            signedHeaders,
            Convert.ToHexString(SHA256.HashData(body ?? [])).ToLowerInvariant());
        AWS4SigningResult signature = AWS4Signer.ComputeSignature(credentials, _region, now, SigningService, signedHeaders, canonicalRequest);

        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        return request;
    }

    /// <summary>SigV4's canonical path for a non-S3 service: each segment of the (already encoded) path encoded again.</summary>
    /// <param name="path">The encoded path.</param>
    /// <returns>The canonical path.</returns>
    public static string CanonicalPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>The credentials Lambda gives a function: <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>.</summary>
    /// <returns>The credentials.</returns>
    /// <exception cref="InvalidOperationException">A key is missing.</exception>
    public static ImmutableCredentials FromEnvironment()
    {
        string? key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        string? secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: no credentials to sign IoT data-plane requests with");
        }

        return new ImmutableCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") ?? string.Empty);
    }
}
