using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tracker.Cloud.Lambda.Runtime.RuntimeApi;

/// <summary>
/// The client side of the Lambda Runtime API, version 2018-06-01 (Lambda developer guide, "Using the Lambda
/// runtime API for custom runtimes"): plain HTTP/1.1 to <c>AWS_LAMBDA_RUNTIME_API</c>, which is
/// <c>host:port</c> inside the execution environment.
/// </summary>
/// <remarks>
/// Status codes, from the same page: <c>next</c> answers 200 with the event; <c>response</c>, <c>error</c>
/// and <c>init/error</c> answer 202. A 400 or 403 on an answer means this answer was refused (a stale
/// request id, an answer sent twice): the loop logs it and goes on. A 413 means the response was larger
/// than the payload limit: the loop reports an error instead. A 500 is a container error, after which
/// the runtime must exit.
/// </remarks>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>
    /// The largest response Lambda takes from a synchronous invocation: 6 MB (Lambda developer guide,
    /// "Lambda quotas", invocation payload). A larger one is reported as an error without being sent.
    /// </summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    private const string Version = "2018-06-01";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _http;
    private readonly string _base;

    /// <summary>Creates a client of the Runtime API at <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: <c>host:port</c>.</param>
    /// <exception cref="ArgumentException">The endpoint is not <c>host:port</c>.</exception>
    public RuntimeApiClient(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (!Uri.TryCreate("http://" + endpoint.Trim() + "/", UriKind.Absolute, out Uri? root) || root.AbsolutePath != "/" || root.Port <= 0)
        {
            throw new ArgumentException($"AWS_LAMBDA_RUNTIME_API must be host:port (got '{endpoint}')", nameof(endpoint));
        }

        _base = root + Version + "/runtime/";

        // No proxy (the API is local to the execution environment) and no time-out: 'next' blocks until
        // an event arrives, for as long as the environment is frozen in between.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Waits for the next invocation.</summary>
    /// <param name="cancellationToken">Stops waiting (shutdown).</param>
    /// <returns>The invocation.</returns>
    /// <exception cref="RuntimeApiException">The API failed or sent no request id.</exception>
    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, _base + "invocation/next"), "next", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RuntimeApiException($"Runtime API 'next' answered {(int)response.StatusCode} {response.ReasonPhrase}: {await BodyAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        string requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("Runtime API 'next' sent no Lambda-Runtime-Aws-Request-Id");
        string? deadline = Header(response, "Lambda-Runtime-Deadline-Ms");
        if (!long.TryParse(deadline, NumberStyles.None, CultureInfo.InvariantCulture, out long deadlineMs))
        {
            throw new RuntimeApiException($"Runtime API 'next' sent Lambda-Runtime-Deadline-Ms '{deadline}' for request {requestId}, not epoch milliseconds");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(requestId, deadlineMs, Header(response, "Lambda-Runtime-Invoked-Function-Arn"), Header(response, "Lambda-Runtime-Trace-Id"), body);
    }

    /// <summary>Sends an invocation's response.</summary>
    /// <param name="requestId">The invocation.</param>
    /// <param name="body">The response bytes (at most <see cref="MaxResponseBytes"/>).</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The API's status code: 202 accepted, 400/403 refused, 413 too large.</returns>
    /// <exception cref="RuntimeApiException">A container error (500) or an unreachable API.</exception>
    public async Task<HttpStatusCode> RespondAsync(string requestId, byte[] body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _base + "invocation/" + Uri.EscapeDataString(requestId) + "/response")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } },
        };
        return await AnswerAsync(request, "response", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports that an invocation failed.</summary>
    /// <param name="requestId">The invocation.</param>
    /// <param name="error">What failed.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The API's status code: 202 accepted, 400/403 refused.</returns>
    /// <exception cref="RuntimeApiException">A container error (500) or an unreachable API.</exception>
    public Task<HttpStatusCode> ReportInvocationErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken) =>
        AnswerAsync(ErrorRequest("invocation/" + Uri.EscapeDataString(requestId) + "/error", error), "invocation error", cancellationToken);

    /// <summary>Reports that the function could not start; the runtime exits after it.</summary>
    /// <param name="error">What failed.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The API's status code.</returns>
    /// <exception cref="RuntimeApiException">A container error (500) or an unreachable API.</exception>
    public Task<HttpStatusCode> ReportInitErrorAsync(ErrorReport error, CancellationToken cancellationToken) =>
        AnswerAsync(ErrorRequest("init/error", error), "init error", cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private HttpRequestMessage ErrorRequest(string path, ErrorReport error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var request = new HttpRequestMessage(HttpMethod.Post, _base + path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Default.ErrorReport)) { Headers = { ContentType = JsonType } },
        };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.Category);
        return request;
    }

    private async Task<HttpStatusCode> AnswerAsync(HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(request, call, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500)
        {
            throw new RuntimeApiException($"Runtime API '{call}' answered {(int)response.StatusCode} (container error): {await BodyAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new RuntimeApiException($"Runtime API '{call}' is unreachable at {_base}: {e.Message}", e);
            }
        }
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Length > 500 ? body[..500] + "..." : body;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) && values.FirstOrDefault() is { Length: > 0 } value ? value : null;
}
