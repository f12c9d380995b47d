using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Lambda.Notify;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>
/// IoT Core's control-plane REST API (<c>https://iot.{region}.amazonaws.com</c>, SigV4 signing name <c>iot</c>), called by
/// hand: there is no AWSSDK.IoT in this registry. Sends one signed request and returns the answer's JSON object; every
/// refusal, transport failure and unreadable answer becomes an <see cref="IotControlPlaneException"/>, never another
/// exception (but cancellation). No retries: the API function answers the operator at once and they may try again.
/// </summary>
public sealed class IotControlPlane
{
    /// <summary>The control plane's SigV4 signing name.</summary>
    public const string SigningService = "iot";

    /// <summary>The largest answer read (a page of 250 job executions is about 60 KB).</summary>
    public const int MaxAnswerBytes = 1 << 20;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly string _signingService;
    private readonly Func<ImmutableCredentials> _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates the client.</summary>
    /// <param name="http">HTTP (its timeout bounds a call).</param>
    /// <param name="endpoint">The control plane, a bare <c>scheme://host[:port]</c> (<see cref="DefaultEndpoint"/> in AWS).</param>
    /// <param name="region">The region.</param>
    /// <param name="credentials">The function's credentials, read for each request.</param>
    /// <param name="clock">"Now", for the signature's date.</param>
    /// <param name="signingService">The SigV4 signing name: <see cref="SigningService"/>, or <see cref="IotDataPlaneSigner.SigningService"/>
    /// for the data plane's REST API (the device shadows, <see cref="Config.IotShadows"/>), which answers in the same way.</param>
    public IotControlPlane(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider clock, string signingService = SigningService)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signingService);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        if (!endpoint.IsAbsoluteUri || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw new ArgumentException("the IoT control-plane endpoint must be a bare scheme://host[:port], not '" + endpoint + "'", nameof(endpoint));
        }

        _http = http;
        _endpoint = endpoint;
        _region = region;
        _signingService = signingService;
        _credentials = credentials;
        _clock = clock;
    }

    /// <summary>The control plane's documented endpoint in a region (AWS general reference, "AWS IoT Core endpoints").</summary>
    /// <param name="region">The region.</param>
    /// <returns><c>https://iot.{region}.amazonaws.com</c>.</returns>
    public static Uri DefaultEndpoint(string region) => new("https://iot." + region + ".amazonaws.com");

    /// <summary>Sends one call.</summary>
    /// <param name="operation">The operation's name, for errors.</param>
    /// <param name="method">The method.</param>
    /// <param name="path">The URI-encoded path.</param>
    /// <param name="query">The query parameters (sorted and encoded here), or null.</param>
    /// <param name="body">The JSON body, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The answer's object (empty when the answer has no body).</returns>
    /// <exception cref="IotControlPlaneException">Refused, unreachable, or not a JSON object.</exception>
    public async Task<JsonObject> CallAsync(string operation, HttpMethod method, string path, IReadOnlyDictionary<string, string>? query, JsonObject? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string canonicalQuery = query is null ? string.Empty : string.Join('&', query
            .Select(p => (Key: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
        byte[] bytes = body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, canonicalQuery.Length == 0 ? path : path + "?" + canonicalQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        SigV4.Sign(request, method.Method, IotDataPlaneSigner.CanonicalPath(path), canonicalQuery, bytes, _endpoint, _credentials(), _region, _signingService, _clock.GetUtcNow().UtcDateTime);
        byte[] answer;
        int status;
        string errorType;
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? types) ? types.First().Split(':')[0].Trim() : string.Empty;
            answer = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidDataException)
        {
            throw new IotControlPlaneException(operation, 0, string.Empty, e.GetType().Name + ": " + e.Message);
        }

        JsonObject? json = Parse(answer);
        if (status is < 200 or > 299)
        {
            string type = errorType.Length > 0 ? errorType : Text(json, "__type") ?? Text(json, "code") ?? string.Empty;
            string message = Text(json, "message") ?? Text(json, "Message") ?? Clip(Encoding.UTF8.GetString(answer));
            throw new IotControlPlaneException(operation, status, Clip(type.Split('#')[^1]), Clip(message));
        }

        if (answer.Length == 0)
        {
            return [];
        }

        return json ?? throw IotControlPlaneException.Malformed(operation, "the answer is not a JSON object");
    }

    /// <summary>Encodes one path segment (a thing, group or job name).</summary>
    /// <param name="segment">The segment.</param>
    /// <returns>It, URI-encoded.</returns>
    public static string Segment(string segment) => Uri.EscapeDataString(segment);

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var copy = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > MaxAnswerBytes)
            {
                throw new InvalidDataException("the answer is over " + MaxAnswerBytes.ToString(CultureInfo.InvariantCulture) + " bytes");
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    private static JsonObject? Parse(byte[] answer)
    {
        if (answer.Length == 0 || !System.Text.Unicode.Utf8.IsValid(answer))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(answer, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? json, string name) =>
        json?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
