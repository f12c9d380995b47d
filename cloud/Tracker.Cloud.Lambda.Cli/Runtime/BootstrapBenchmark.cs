using System.Diagnostics;
using System.Globalization;

namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>
/// <c>tracker-lambda benchmark-bootstrap</c>: starts a published <c>bootstrap</c> several times against a
/// <see cref="LocalRuntimeApi"/> and measures its cold start (process start to the first response the API
/// receives, which is what a caller waits for on a cold invocation), then drives one process with the
/// same event many times for the warm latency (event handed over by <c>next</c> to response received).
/// </summary>
public static class BootstrapBenchmark
{
    private const string UsageText = """
        usage: tracker-lambda benchmark-bootstrap --package <dir> --handler <name> --event <event.json|generated:ingest> [--dynamodb-url <url>] [--renew-token-expiry true] [--env KEY=VALUE]... [--cold N] [--warm N]
          --package  the published folder (dotnet publish cloud/Tracker.Cloud.Lambda.Runtime -c Release -r linux-x64 -o <dir>)
          --handler  ingest, api, archive or live-authorizer (_HANDLER)
          --event    the event every invocation gets; generated:ingest makes a fresh 10-fix batch for each
          --dynamodb-url  a DynamoDB endpoint (dynalite): the tables are created there and the functions pointed at it
          --renew-token-expiry  true: move the HTTP API event's exp claim an hour ahead, so it is served, not refused
          --env      a function variable (table names, AWS_ENDPOINT_URL_DYNAMODB...); repeat for more
          --cold     cold starts to measure (default 5)
          --warm     warm invocations to measure after one warm-up (default 200)
        """;

    /// <summary>Runs the bench.</summary>
    /// <param name="args">The arguments after <c>benchmark-bootstrap</c>.</param>
    /// <param name="stdout">Where the figures go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>0, or 2 for a bad command line, or 1 when the bootstrap did not answer.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string? package = null, handler = null, eventFile = null, dynamoDbUrl = null;
        bool renewExpiry = false;
        int cold = 5, warm = 200;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (i + 1 >= args.Length || !arg.StartsWith("--", StringComparison.Ordinal))
            {
                return await Usage(stderr, arg is "-h" or "--help" ? null : "bad argument '" + arg + "'").ConfigureAwait(false);
            }

            string value = args[++i];
            switch (arg)
            {
                case "--package": package = Path.GetFullPath(value); break;
                case "--handler": handler = value; break;
                case "--event": eventFile = value; break;
                case "--dynamodb-url" when Uri.TryCreate(value, UriKind.Absolute, out _): dynamoDbUrl = value.TrimEnd('/'); break;
                case "--renew-token-expiry" when bool.TryParse(value, out bool renew): renewExpiry = renew; break;
                case "--cold" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is >= 1 and <= 100: cold = c; break;
                case "--warm" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w is >= 1 and <= 100_000: warm = w; break;
                case "--env" when value.IndexOf('=', StringComparison.Ordinal) > 0:
                    extra[value[..value.IndexOf('=', StringComparison.Ordinal)]] = value[(value.IndexOf('=', StringComparison.Ordinal) + 1)..];
                    break;
                default: return await Usage(stderr, "bad value for " + arg + ": '" + value + "'").ConfigureAwait(false);
            }
        }

        if (package is null || handler is null || eventFile is null)
        {
            return await Usage(stderr, "--package, --handler and --event are required").ConfigureAwait(false);
        }

        byte[] eventBytes = [];
        try
        {
            if (eventFile != BenchmarkEvents.GeneratedIngest)
            {
                eventBytes = await File.ReadAllBytesAsync(eventFile, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync("tracker-lambda: cannot read event file '" + eventFile + "': " + e.Message).ConfigureAwait(false);
            return 2;
        }

        var events = new BenchmarkEvents(eventBytes, eventFile == BenchmarkEvents.GeneratedIngest, renewExpiry);
        await using LocalRuntimeApi api = await LocalRuntimeApi.StartAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, string> environment = BootstrapProcess.LambdaEnvironment(package, api.Endpoint, handler);
        if (dynamoDbUrl is not null)
        {
            environment["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoDbUrl;
            environment[Functions.FunctionSettings.FixesTableVariable] = "bench-fixes";
            environment[Functions.FunctionSettings.LatestTableVariable] = "bench-latest";
            environment[Functions.FunctionSettings.RentalsTableVariable] = "bench-rentals";
        }

        foreach ((string key, string value) in extra)
        {
            environment[key] = value;
        }

        if (dynamoDbUrl is not null)
        {
            await CreateTablesAsync(dynamoDbUrl, environment, cancellationToken).ConfigureAwait(false);
        }

        var coldMs = new List<double>();
        var initMs = new List<double>();
        string? firstAnswer = null;
        for (int run = 0; run < cold; run++)
        {
            await using LocalRuntimeApi fresh = await LocalRuntimeApi.StartAsync(cancellationToken).ConfigureAwait(false);
            environment["AWS_LAMBDA_RUNTIME_API"] = fresh.Endpoint;
            await using BootstrapProcess process = BootstrapProcess.Start(package, environment);
            RuntimeApiResult result;
            try
            {
                result = await fresh.InvokeAsync(process, events.Next(), null, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                await stderr.WriteLineAsync("tracker-lambda: " + e.Message).ConfigureAwait(false);
                return 1;
            }

            coldMs.Add(Stopwatch.GetElapsedTime(process.StartedTicks, result.AnsweredTicks).TotalMilliseconds);
            initMs.Add(Stopwatch.GetElapsedTime(process.StartedTicks, await fresh.FirstNext.ConfigureAwait(false)).TotalMilliseconds);
            firstAnswer ??= (result.IsError ? "error " + result.ErrorCategory + ": " : "response: ") + Clip(result.Text);
        }

        environment["AWS_LAMBDA_RUNTIME_API"] = api.Endpoint;
        await using BootstrapProcess warmProcess = BootstrapProcess.Start(package, environment);
        var warmMs = new List<double>();
        for (int i = 0; i <= warm; i++)
        {
            RuntimeApiResult result = await api.InvokeAsync(warmProcess, events.Next(), null, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            if (i > 0)
            {
                warmMs.Add(result.Latency.TotalMilliseconds);
            }
        }

        long bytes = Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var culture = CultureInfo.InvariantCulture;
        await stdout.WriteLineAsync(string.Create(culture, $"bootstrap {handler}: package {package} ({bytes / 1_048_576.0:0.0} MB), {Environment.ProcessorCount} cores")).ConfigureAwait(false);
        await stdout.WriteLineAsync("first answer: " + firstAnswer).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(culture, $"cold start (process start -> first response), {cold} runs: median {Percentile(coldMs, 50):0} ms, min {coldMs.Min():0} ms, max {coldMs.Max():0} ms; init (process start -> first next) median {Percentile(initMs, 50):0} ms")).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(culture, $"warm latency (event delivered -> response), {warm} invocations: p50 {Percentile(warmMs, 50):0.00} ms, p90 {Percentile(warmMs, 90):0.00} ms, p99 {Percentile(warmMs, 99):0.00} ms, max {warmMs.Max():0.00} ms")).ConfigureAwait(false);
        return 0;
    }

    private static async Task CreateTablesAsync(string url, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        Functions.FunctionSettings settings = Functions.FunctionSettings.Read(environment.GetValueOrDefault);
        using var client = new Amazon.DynamoDBv2.AmazonDynamoDBClient(
            new Amazon.Runtime.BasicAWSCredentials(environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]),
            new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = url, AuthenticationRegion = environment["AWS_REGION"] });
        await DynamoDb.DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private static double Percentile(List<double> values, int percent)
    {
        double[] sorted = [.. values.Order()];
        int index = (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    private static string Clip(string text) => text.Length > 160 ? text[..160] + "..." : text;

    private static async Task<int> Usage(TextWriter stderr, string? error)
    {
        if (error is not null)
        {
            await stderr.WriteLineAsync("tracker-lambda benchmark-bootstrap: " + error).ConfigureAwait(false);
        }

        await stderr.WriteLineAsync(UsageText).ConfigureAwait(false);
        return 2;
    }
}
