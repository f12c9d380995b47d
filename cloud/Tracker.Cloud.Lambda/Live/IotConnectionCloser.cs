using System.Net;
using Amazon.Runtime;
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
    public const string SigningService = IotDataPlaneSigner.SigningService;

    private const string Query = "cleanSession=true&preventWillMessage=true";

    private readonly HttpClient _http;
    private readonly IotDataPlaneSigner _signer;

    /// <summary>Creates the closer.</summary>
    /// <param name="http">The HTTP client (its timeout bounds a call).</param>
    /// <param name="endpoint">The account's IoT data endpoint, <c>https://{prefix}-ats.iot.{region}.amazonaws.com</c>.</param>
    /// <param name="region">The region the endpoint is in.</param>
    /// <param name="credentials">The function's credentials, read for each call (Lambda's role's keys rotate).</param>
    /// <param name="clock">"Now", for the signature's date.</param>
    public IotConnectionCloser(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _signer = new IotDataPlaneSigner(endpoint, region, credentials, clock);
    }

    /// <summary>The credentials Lambda gives a function (<see cref="IotDataPlaneSigner.FromEnvironment"/>).</summary>
    /// <returns>The credentials.</returns>
    /// <exception cref="InvalidOperationException">A key is missing.</exception>
    public static ImmutableCredentials FromEnvironment() => IotDataPlaneSigner.FromEnvironment();

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
        using HttpRequestMessage request = _signer.Create(HttpMethod.Delete, path, Query, null);
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
}

/// <summary>IoT Core's data plane answered with an error.</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="body">The start of its body (IoT's error message).</param>
/// <param name="operation">The call that failed (DeleteConnection, Publish).</param>
public sealed class IotDataPlaneException(HttpStatusCode status, string body, string operation = "DeleteConnection")
    : Exception("IoT " + operation + " failed: HTTP " + (int)status + " " + body)
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;
}
