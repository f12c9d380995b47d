using System.Net;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.RuntimeApi;

namespace Tracker.Cloud.Lambda.Runtime;

/// <summary>
/// The invocation loop of a custom runtime (Lambda developer guide, "Building a custom runtime",
/// "Processing tasks"): get the next event, set the trace header, run the function under the
/// invocation's deadline, send its response or report its error, and go again, until the Runtime API
/// fails or the process is told to stop.
/// </summary>
/// <remarks>
/// One invocation at a time, as Lambda sends them. What a function throws is reported for that
/// invocation and the loop carries on with the next: a bad event, a storage failure or a deadline costs
/// one invocation, not the execution environment. Only a Runtime API failure (a 500, or the API gone)
/// ends the loop.
/// </remarks>
public sealed class InvocationLoop
{
    /// <summary>
    /// The environment variable the X-Ray SDKs, and the AWS SDK's recursion detection, read the current
    /// trace header from (Lambda developer guide, "Building a custom runtime": "Propagate the tracing
    /// header"). The AWS SDK for .NET copies it into the <c>X-Amzn-Trace-Id</c> header of its calls.
    /// </summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>
    /// How long before the deadline the function's token is cancelled: enough to report a clean
    /// <c>Function.Timeout</c> before Lambda stops the process at the deadline itself.
    /// </summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(250);

    private readonly RuntimeApiClient _api;
    private readonly ILambdaFunction _function;
    private readonly JsonLogWriter _log;
    private readonly TimeProvider _clock;

    /// <summary>Creates the loop.</summary>
    /// <param name="api">The Runtime API.</param>
    /// <param name="function">The function that <c>_HANDLER</c> named, already built.</param>
    /// <param name="log">Standard output (its request id is set for each invocation).</param>
    /// <param name="clock">Turns the deadline into a time left.</param>
    public InvocationLoop(RuntimeApiClient api, ILambdaFunction function, JsonLogWriter log, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(clock);
        _api = api;
        _function = function;
        _log = log;
        _clock = clock;
    }

    /// <summary>Runs invocations until <paramref name="shutdown"/> is cancelled or the Runtime API fails.</summary>
    /// <param name="shutdown">Cancelled on SIGTERM.</param>
    /// <returns>The process exit code: 0 after a shutdown, 1 after a Runtime API failure.</returns>
    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        while (!shutdown.IsCancellationRequested)
        {
            try
            {
                Invocation invocation = await _api.NextAsync(shutdown).ConfigureAwait(false);
                await InvokeAsync(invocation, shutdown).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                break;
            }
            catch (RuntimeApiException e)
            {
                _log.RequestId = null;
                _log.Log(JsonLogWriter.Error, ("event", "runtimeApiFailed"), ("errorMessage", e.Message));
                return 1;
            }
        }

        return 0;
    }

    /// <summary>Handles one invocation: the function's response, or an error report.</summary>
    /// <param name="invocation">The invocation.</param>
    /// <param name="shutdown">Cancelled on SIGTERM.</param>
    /// <exception cref="RuntimeApiException">The Runtime API failed while answering.</exception>
    public async Task InvokeAsync(Invocation invocation, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        _log.RequestId = invocation.RequestId;
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            long leftMs = invocation.DeadlineMs - _clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)DeadlineMargin.TotalMilliseconds;
            if (leftMs <= 0)
            {
                // No time left inside the margin: cancel now, not on a timer that a quick handler can outrun.
                await deadline.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                deadline.CancelAfter(TimeSpan.FromMilliseconds(leftMs));
            }

            (byte[]? output, ErrorReport? error) = await RunFunctionAsync(invocation, deadline, shutdown).ConfigureAwait(false);
            if (output is not null)
            {
                HttpStatusCode status = await _api.RespondAsync(invocation.RequestId, output, shutdown).ConfigureAwait(false);
                if (status == HttpStatusCode.RequestEntityTooLarge)
                {
                    error = TooLarge(output.Length);
                }
                else if (status != HttpStatusCode.Accepted)
                {
                    _log.Log(JsonLogWriter.Error, ("event", "responseRefused"), ("status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }

            if (error is not null)
            {
                _log.Log(JsonLogWriter.Error, ("event", "invocationFailed"), ("errorCategory", error.Category), ("errorType", error.ErrorType), ("errorMessage", error.ErrorMessage));
                HttpStatusCode status = await _api.ReportInvocationErrorAsync(invocation.RequestId, error, shutdown).ConfigureAwait(false);
                if (status != HttpStatusCode.Accepted)
                {
                    _log.Log(JsonLogWriter.Error, ("event", "errorReportRefused"), ("status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            _log.RequestId = null;
        }
    }

    private async Task<(byte[]? Output, ErrorReport? Error)> RunFunctionAsync(Invocation invocation, CancellationTokenSource deadline, CancellationToken shutdown)
    {
        try
        {
            deadline.Token.ThrowIfCancellationRequested();
            using var input = new MemoryStream(invocation.Event, writable: false);
            using Stream result = await _function.HandleAsync(input, deadline.Token).ConfigureAwait(false);
            return await ReadBoundedAsync(result, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            return (null, new ErrorReport(
                "Function.Timeout",
                nameof(TimeoutException),
                $"the function had not finished {DeadlineMargin.TotalMilliseconds:0} ms before the invocation's deadline and was cancelled ({e.Message})"));
        }
        catch (InvalidEventException e)
        {
            return (null, ErrorReport.From("Function.InvalidEvent", e));
        }
        catch (Exception e) when (e is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            return (null, ErrorReport.From("Function.Unhandled", e));
        }
    }

    private static async Task<(byte[]? Output, ErrorReport? Error)> ReadBoundedAsync(Stream result, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await result.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > RuntimeApiClient.MaxResponseBytes)
            {
                return (null, TooLarge(buffer.Length + read));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    private static ErrorReport TooLarge(long bytes) => new(
        "Function.ResponseSizeTooLarge",
        "ResponseSizeTooLarge",
        $"the response ({bytes} bytes or more) is larger than Lambda's {RuntimeApiClient.MaxResponseBytes}-byte payload limit");
}
