using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// Closes a browser's live MQTT connection at IoT Core now, with the IoT data plane's <c>DeleteConnection</c>
/// (<c>DELETE /connections/{clientId}?cleanSession=true&amp;preventWillMessage=true</c>), so a renter whose rental
/// was cancelled or shortened stops receiving at once instead of at the authorizer's next re-check; the browser
/// connects again and the authorizer grants what it rents now (issue 15, F5 on AWS). There is no
/// AWSSDK.IotData package here: the request is built by hand and signed with AWS Signature Version 4 by
/// AWSSDK.Core's signer (signing name <see cref="SigningService"/>). IAM: <c>iot:DeleteConnection</c> on
/// <c>client/web-*</c>.
/// </summary>
public sealed class IotConnectionCloser
{
    /// <summary>The IoT data plane's SigV4 signing name.</summary>
    public const string SigningService = "iotdata";

    private const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Query = "cleanSession=true&preventWillMessage=true";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly Func<ImmutableCredentials> _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates the closer.</summary>
    /// <param name="http">The HTTP client (its timeout bounds a call).</param>
    /// <param name="endpoint">The account's IoT data endpoint, <c>https://{prefix}-ats.iot.{region}.amazonaws.com</c>.</param>
    /// <param name="region">The region the endpoint is in.</param>
    /// <param name="credentials">The function's credentials, read for each call (Lambda's role's keys rotate).</param>
    /// <param name="clock">"Now", for the signature's date.</param>
    public IotConnectionCloser(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        if (!endpoint.IsAbsoluteUri || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("the IoT data endpoint must be a bare scheme://host[:port], not '" + endpoint + "'", nameof(endpoint));
        }

        _http = http;
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _clock = clock;
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
            throw new InvalidOperationException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: no credentials to sign IoT DeleteConnection with");
        }

        return new ImmutableCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") ?? string.Empty);
    }

    /// <summary>Closes one browser connection.</summary>
    /// <param name="clientId">A browser's client id (<see cref="LiveAuthorizer.IsValidWebClientId"/>); nothing else is closed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when IoT Core closed it; false when no such client was connected (404).</returns>
    /// <exception cref="ArgumentException">Not a browser's client id; nothing is sent.</exception>
    /// <exception cref="IotDataPlaneException">IoT Core refused or failed (its status and message).</exception>
    public async Task<bool> DeleteConnectionAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!LiveAuthorizer.IsValidWebClientId(clientId))
        {
            throw new ArgumentException("only a browser's client id (web-...) may be disconnected", nameof(clientId));
        }

        // A web client id is letters, digits, '_' and '-': its URI encoding, once or twice (SigV4's canonical
        // path for services other than S3), is itself.
        string path = "/connections/" + clientId;
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(_endpoint, path + "?" + Query));
        Sign(request, path);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new IotDataPlaneException(response.StatusCode, body.Length > 300 ? body[..300] : body);
    }

    private void Sign(HttpRequestMessage request, string path)
    {
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
            "DELETE",
            path,
            Query,
            string.Concat(headers.Select(h => h.Key + ":" + h.Value.Trim() + "\n")),
            signedHeaders,
            EmptyPayloadHash);
        AWS4SigningResult signature = AWS4Signer.ComputeSignature(credentials, _region, now, SigningService, signedHeaders, canonicalRequest);

        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
    }
}

/// <summary>IoT Core's data plane answered with an error.</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="body">The start of its body (IoT's error message).</param>
public sealed class IotDataPlaneException(HttpStatusCode status, string body)
    : Exception("IoT DeleteConnection failed: HTTP " + (int)status + " " + body)
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;
}
