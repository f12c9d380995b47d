using System.Net;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.RuntimeApi;

namespace Tracker.Cloud.Lambda.Runtime;

/// <summary>
/// Start-up of the custom runtime (Lambda developer guide, "Building a custom runtime", "Initialization
/// tasks"): read <c>AWS_LAMBDA_RUNTIME_API</c> and <c>_HANDLER</c>, build that one function (its settings
/// are checked here, so a missing table name fails the start, not the first event), report an init error
/// if that fails, then run the <see cref="InvocationLoop"/>.
/// </summary>
public static class LambdaBootstrap
{
    /// <summary>Where the Runtime API listens, <c>host:port</c>; Lambda sets it.</summary>
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The function's configured handler; Lambda sets it from the function's <c>Handler</c>.</summary>
    public const string HandlerVariable = "_HANDLER";

    /// <summary>Runs the runtime.</summary>
    /// <param name="environment">Looks up an environment variable.</param>
    /// <param name="create">Builds the function a handler name names (<see cref="FunctionCatalog.Create"/>).</param>
    /// <param name="log">Standard output.</param>
    /// <param name="clock">The clock the deadlines are measured on.</param>
    /// <param name="shutdown">Cancelled on SIGTERM.</param>
    /// <returns>The process exit code: 0 after a shutdown, 1 after an init error or a Runtime API failure, 2 outside Lambda.</returns>
    public static async Task<int> RunAsync(Func<string, string?> environment, Func<string, ILambdaFunction> create, JsonLogWriter log, TimeProvider clock, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(log);
        string? endpoint = environment(RuntimeApiVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            log.Log(JsonLogWriter.Error, ("event", "notInLambda"), ("errorMessage", RuntimeApiVariable + " is not set: bootstrap runs inside Lambda's custom runtime (or against tracker-lambda's local Runtime API)"));
            return 2;
        }

        RuntimeApiClient api;
        try
        {
            api = new RuntimeApiClient(endpoint);
        }
        catch (ArgumentException e)
        {
            log.Log(JsonLogWriter.Error, ("event", "notInLambda"), ("errorMessage", e.Message));
            return 2;
        }

        using (api)
        {
            try
            {
                string handler = environment(HandlerVariable)?.Trim() ?? string.Empty;
                ErrorReport? failure = null;
                ILambdaFunction? function = null;
                if (!FunctionCatalog.IsKnown(handler))
                {
                    failure = new ErrorReport(
                "Runtime.NoSuchHandler",
                "NoSuchHandler",
                $"{HandlerVariable} is '{handler}': the function's handler must be one of {string.Join(", ", FunctionCatalog.Names)}");
                }
                else
                {
                    try
                    {
                        function = create(handler);
                    }
                    catch (InvalidOperationException e)
                    {
                        failure = ErrorReport.From("Runtime.ConfigInvalid", e);
                    }
                    catch (Exception e)
                    {
                        failure = ErrorReport.From("Runtime.InitError", e);
                    }
                }

                if (failure is not null)
                {
                    log.Log(JsonLogWriter.Error, ("event", "initFailed"), ("errorCategory", failure.Category), ("errorType", failure.ErrorType), ("errorMessage", failure.ErrorMessage));
                    HttpStatusCode status = await api.ReportInitErrorAsync(failure, shutdown).ConfigureAwait(false);
                    if (status != HttpStatusCode.Accepted)
                    {
                        log.Log(JsonLogWriter.Error, ("event", "initErrorRefused"), ("status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }

                    return 1;
                }

                return await new InvocationLoop(api, function!, log, clock).RunAsync(shutdown).ConfigureAwait(false);
            }
            catch (RuntimeApiException e)
            {
                log.Log(JsonLogWriter.Error, ("event", "runtimeApiFailed"), ("errorMessage", e.Message));
                return 1;
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                return 0;
            }
        }
    }
}
