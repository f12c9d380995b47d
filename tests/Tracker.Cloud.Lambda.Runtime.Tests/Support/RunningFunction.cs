using Tracker.Testing;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Lambda.Cli.Runtime;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>
/// One published bootstrap process serving one function, behind its own local Runtime API: what one
/// Lambda execution environment is. Reports its cold start (process start to first response) to the test output.
/// </summary>
internal sealed class RunningFunction : IAsyncDisposable
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper? _output;
    private bool _first = true;

    private RunningFunction(LocalRuntimeApi api, BootstrapProcess process, string handler, ITestOutputHelper? output)
    {
        Api = api;
        Process = process;
        Handler = handler;
        _output = output;
    }

    public LocalRuntimeApi Api { get; }

    public BootstrapProcess Process { get; }

    public string Handler { get; }

    /// <summary>Starts <paramref name="handler"/> from the package with Lambda's variables plus <paramref name="environment"/>.</summary>
    public static async Task<RunningFunction> StartAsync(PublishedPackage package, string handler, IReadOnlyDictionary<string, string> environment, ITestOutputHelper? output, IReadOnlyList<string>? launcher = null)
    {
        LocalRuntimeApi api = await LocalRuntimeApi.StartAsync(CancellationToken.None);
        Dictionary<string, string> variables = BootstrapProcess.LambdaEnvironment(package.Folder, api.Endpoint, handler);
        foreach ((string key, string value) in environment)
        {
            variables[key] = value;
        }

        return new RunningFunction(api, BootstrapProcess.Start(package.Folder, variables, launcher), handler, output);
    }

    /// <summary>The table variables for a fresh set of tables on dynalite, and the SDK pointed at it.</summary>
    public static Dictionary<string, string> DynamoDbEnvironment(string tablePrefix, Uri dynalite) => new(StringComparer.Ordinal)
    {
        [Lambda.Functions.FunctionSettings.FixesTableVariable] = tablePrefix + "-fixes",
        [Lambda.Functions.FunctionSettings.LatestTableVariable] = tablePrefix + "-latest",
        [Lambda.Functions.FunctionSettings.RentalsTableVariable] = tablePrefix + "-rentals",
        ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.ToString().TrimEnd('/'),
    };

    public async Task<RuntimeApiResult> InvokeAsync(string eventJson, RuntimeApiInvocation? invocation = null)
    {
        RuntimeApiResult result = await Api.InvokeAsync(Process, Encoding.UTF8.GetBytes(eventJson), invocation, AnswerTimeout);
        if (_first)
        {
            _first = false;
            TimeSpan cold = Stopwatch.GetElapsedTime(Process.StartedTicks, result.AnsweredTicks);
            _output?.WriteLine($"{Handler}: cold start (process start -> first response) {cold.TotalMilliseconds:0} ms");
        }

        return result;
    }

    /// <summary>The response as JSON (fails the test, showing the error, when the runtime reported one).</summary>
    public async Task<JsonElement> RespondAsync(string eventJson, RuntimeApiInvocation? invocation = null)
    {
        RuntimeApiResult result = await InvokeAsync(eventJson, invocation);
        Assert.False(result.IsError, $"{Handler} reported {result.ErrorCategory}: {result.Text}");
        using JsonDocument document = JsonDocument.Parse(result.Body);
        return document.RootElement.Clone();
    }

    /// <summary>Every line the process wrote to standard output, each of which must be one JSON object.</summary>
    public IReadOnlyList<JsonElement> LogLines()
    {
        var lines = new List<JsonElement>();
        foreach (string line in Process.StandardOutput)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            lines.Add(document.RootElement.Clone());
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>
/// A fact that publishes the bootstrap (Native AOT: clang links it) and starts dynalite and s3rver: skipped, with the
/// first missing part's reason, outside CI (tests/Tracker.Testing's rule).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BootstrapFactAttribute : FactAttribute
{
    public BootstrapFactAttribute()
    {
        if (PartCatalog.Current.SkipReason([Part.Clang, Part.Dynalite, Part.S3rver]) is { } reason)
        {
            Skip = reason;
        }
    }
}
