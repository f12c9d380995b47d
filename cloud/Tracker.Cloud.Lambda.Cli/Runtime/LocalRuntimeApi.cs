using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>
/// The Lambda Runtime API, version 2018-06-01, as Lambda serves it to a custom runtime's
/// <c>bootstrap</c> (Lambda developer guide, "Using the Lambda runtime API for custom runtimes"), on
/// 127.0.0.1 and a free port, so that the published bootstrap can be started as a process and driven
/// with events exactly as in Lambda: <c>AWS_LAMBDA_RUNTIME_API</c> is <see cref="Endpoint"/>.
/// </summary>
/// <remarks>
/// The contract, route by route:
/// <list type="bullet">
/// <item><c>GET /runtime/invocation/next</c>: waits for an event and answers 200 with it as the body and
/// the headers Lambda-Runtime-Aws-Request-Id, Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn
/// and Lambda-Runtime-Trace-Id.</item>
/// <item><c>POST /runtime/invocation/{id}/response</c>: 202; 400 <c>InvalidRequestID</c> for an id that is
/// not in flight (unknown, or answered already); 413 for a body over 6 MB.</item>
/// <item><c>POST /runtime/invocation/{id}/error</c>: 202 (the error document and its
/// Lambda-Runtime-Function-Error-Type header are recorded); 400 as above.</item>
/// <item><c>POST /runtime/init/error</c>: 202; recorded in <see cref="InitError"/>.</item>
/// </list>
/// Anything else is 404. Only one invocation is handed out at a time, as Lambda does.
/// </remarks>
public sealed class LocalRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private const int MaxPayloadBytes = 6 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly ConcurrentDictionary<string, Pending> _inFlight = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<RuntimeApiResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _refusals = new();

    private LocalRuntimeApi(WebApplication app) => _app = app;

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:port</c>.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Completes when the runtime reports an init error (its body is the error document).</summary>
    public Task<RuntimeApiResult> InitError => _initError.Task;

    /// <summary>Completes, with its <see cref="Stopwatch"/> timestamp, when the runtime first asks for an event (its init is done).</summary>
    public Task<long> FirstNext => _firstNext.Task;

    /// <summary>Answers the API refused (a stale or repeated request id, an oversized response), for the tests to check.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    /// <summary>Starts the API on 127.0.0.1 and a free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running API.</returns>
    public static async Task<LocalRuntimeApi> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = MaxPayloadBytes + 1024;
        });
        WebApplication app = builder.Build();
        var api = new LocalRuntimeApi(app);
        app.MapGet(Prefix + "/invocation/next", api.NextAsync);
        app.MapPost(Prefix + "/invocation/{id}/response", (HttpContext context, string id) => api.AnswerAsync(context, id, isError: false));
        app.MapPost(Prefix + "/invocation/{id}/error", (HttpContext context, string id) => api.AnswerAsync(context, id, isError: true));
        app.MapPost(Prefix + "/init/error", api.InitErrorAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.First());
        api.Endpoint = "127.0.0.1:" + address.Port.ToString(CultureInfo.InvariantCulture);
        return api;
    }

    /// <summary>Queues an event and waits for the runtime's answer.</summary>
    /// <param name="eventJson">The event.</param>
    /// <param name="invocation">The headers to send with it; defaults when null.</param>
    /// <param name="cancellationToken">Stops waiting (bound every wait: a crashed runtime never answers).</param>
    /// <returns>The answer.</returns>
    public Task<RuntimeApiResult> InvokeAsync(byte[] eventJson, RuntimeApiInvocation? invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        invocation ??= new RuntimeApiInvocation();
        var pending = new Pending(invocation.RequestId ?? Guid.NewGuid().ToString(), eventJson, invocation);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the local Runtime API is stopped");
        }

        return pending.Answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues a UTF-8 event and waits for the runtime's answer.</summary>
    /// <param name="eventJson">The event.</param>
    /// <param name="invocation">The headers to send with it; defaults when null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The answer.</returns>
    public Task<RuntimeApiResult> InvokeAsync(string eventJson, RuntimeApiInvocation? invocation, CancellationToken cancellationToken) =>
        InvokeAsync(Encoding.UTF8.GetBytes(eventJson), invocation, cancellationToken);

    /// <summary>
    /// Queues an event and waits for the answer of <paramref name="process"/>, failing at once, with what the
    /// process said, when it reports an init error or exits instead; and after <paramref name="timeout"/> at most.
    /// </summary>
    /// <param name="process">The bootstrap serving this API.</param>
    /// <param name="eventJson">The event.</param>
    /// <param name="invocation">The headers to send with it; defaults when null.</param>
    /// <param name="timeout">The bound on the wait.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="InvalidOperationException">The process reported an init error, exited, or did not answer in time.</exception>
    public async Task<RuntimeApiResult> InvokeAsync(BootstrapProcess process, byte[] eventJson, RuntimeApiInvocation? invocation, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var bound = new CancellationTokenSource(timeout);
        Task<RuntimeApiResult> answer = InvokeAsync(eventJson, invocation, bound.Token);
        Task first = await Task.WhenAny(answer, InitError, process.Exited).ConfigureAwait(false);
        if (first == answer && answer.IsCompletedSuccessfully)
        {
            return answer.Result;
        }

        string why = first == InitError ? "reported an init error: " + InitError.Result.Text
            : first == process.Exited ? "exited before answering"
            : "did not answer within " + timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s";
        throw new InvalidOperationException("the bootstrap " + why + " (" + process.Describe() + ")");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task NextAsync(HttpContext context)
    {
        _firstNext.TrySetResult(Stopwatch.GetTimestamp());
        Pending pending;
        try
        {
            pending = await _queue.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            context.Abort();
            return;
        }

        pending.DeliveredTicks = Stopwatch.GetTimestamp();
        _inFlight[pending.RequestId] = pending;
        long deadline = DateTimeOffset.UtcNow.Add(pending.Invocation.Timeout).ToUnixTimeMilliseconds();
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = pending.Invocation.FunctionArn;
        if (pending.Invocation.TraceId is { } trace)
        {
            response.Headers["Lambda-Runtime-Trace-Id"] = trace;
        }

        response.ContentLength = pending.Event.Length;
        await response.Body.WriteAsync(pending.Event, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context, string id, bool isError)
    {
        byte[]? body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            _refusals.Enqueue("413 " + id);
            await Status(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", "the response is larger than 6291456 bytes").ConfigureAwait(false);
            return;
        }

        if (!_inFlight.TryRemove(id, out Pending? pending))
        {
            _refusals.Enqueue("400 " + id);
            await Status(context, StatusCodes.Status400BadRequest, "InvalidRequestID", "no invocation " + id + " is waiting for an answer").ConfigureAwait(false);
            return;
        }

        string? category = isError ? context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault() : null;
        pending.Answer.TrySetResult(new RuntimeApiResult(id, isError, body, category, pending.DeliveredTicks, Stopwatch.GetTimestamp()));
        await Status(context, StatusCodes.Status202Accepted, null, null).ConfigureAwait(false);
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        byte[] body = await ReadBodyAsync(context).ConfigureAwait(false) ?? [];
        string? category = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault();
        long now = Stopwatch.GetTimestamp();
        _initError.TrySetResult(new RuntimeApiResult("init", true, body, category, now, now));
        await Status(context, StatusCodes.Status202Accepted, null, null).ConfigureAwait(false);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxPayloadBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task Status(HttpContext context, int status, string? errorType, string? message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        string json = errorType is null
            ? "{\"status\":\"OK\"}"
            : "{\"errorMessage\":" + System.Text.Json.JsonSerializer.Serialize(message) + ",\"errorType\":\"" + errorType + "\"}";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private sealed class Pending(string requestId, byte[] evt, RuntimeApiInvocation invocation)
    {
        public string RequestId { get; } = requestId;

        public byte[] Event { get; } = evt;

        public RuntimeApiInvocation Invocation { get; } = invocation;

        public long DeliveredTicks { get; set; }

        public TaskCompletionSource<RuntimeApiResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
