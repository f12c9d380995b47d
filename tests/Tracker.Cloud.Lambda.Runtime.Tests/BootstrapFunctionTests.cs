using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Cli.Runtime;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// The published bootstrap of the ingest, API and live-authorizer functions, each in its own process
/// against the local Runtime API, with dynalite as DynamoDB: responses, error reports, the trace header
/// and the log lines, exactly as Lambda would see them.
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapFunctionTests(PublishedPackage package, DynaliteServer dynalite, StubServers stubs, ITestOutputHelper output)
    : IClassFixture<DynaliteServer>, IClassFixture<StubServers>
{
    private const string Operator = "9d3b7e52-operator-0001";

    [BootstrapFact]
    public async Task IngestThenApi_StoresTheBatchAndServesItBack_WithOneJsonObjectPerLogLine()
    {
        Dictionary<string, string> environment = await FreshTablesAsync();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 120_000;
        await using RunningFunction ingest = await RunningFunction.StartAsync(package, FunctionCatalog.Ingest, environment, output);

        RuntimeApiInvocation invocation = new() { RequestId = "8f3c1a52-ingest-0001", TraceId = "Root=1-68479a30-3f1c2b7d9e0a4b5c6d7e8f90;Parent=53995c3f42cd8ad8;Sampled=1" };
        JsonElement summary = await ingest.RespondAsync(LambdaEvents.BasicIngest(WireBatch.Encode(SampleDrive.Fixes(start, 12)), start + 60_000), invocation);
        Assert.Equal("stored", summary.GetProperty("outcome").GetString());
        Assert.Equal(12, summary.GetProperty("accepted").GetInt32());
        Assert.True(summary.GetProperty("latestAdvanced").GetBoolean());

        // The handler's summary is a JSON object on its own line, with the invocation's id, not an escaped string.
        JsonElement line = Assert.Single(ingest.LogLines(), l => l.TryGetProperty("outcome", out _));
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal(invocation.RequestId, line.GetProperty("requestId").GetString());
        Assert.Equal(JsonValueKind.Object, line.GetProperty("rejected").ValueKind);
        Assert.Equal(12, line.GetProperty("accepted").GetInt32());

        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output);
        JsonElement latest = await api.RespondAsync(LambdaEvents.Http("/cars/" + LambdaEvents.Car + "/location", LambdaEvents.Claims(Operator, "operators")));
        Assert.Equal(200, latest.GetProperty("statusCode").GetInt32());
        using JsonDocument body = JsonDocument.Parse(latest.GetProperty("body").GetString()!);
        Assert.Equal(LambdaEvents.Car, body.RootElement.GetProperty("carId").GetString());
        Assert.Equal(start + (11 * 5000L), body.RootElement.GetProperty("ts").GetInt64());

        // Not authorized: a request with no claims (a route wired without the JWT authorizer) is a 401
        // problem; a renter who never rented the car gets a 404. Responses, not errors.
        JsonElement anonymous = await api.RespondAsync(LambdaEvents.Http("/cars/" + LambdaEvents.Car + "/location", claims: null));
        Assert.Equal(401, anonymous.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/problem+json", anonymous.GetProperty("headers").GetProperty("content-type").GetString());
        JsonElement stranger = await api.RespondAsync(LambdaEvents.Http("/cars/" + LambdaEvents.Car + "/location", LambdaEvents.Claims("4c8e2a1f-renter-0009", "renters")));
        Assert.Equal(404, stranger.GetProperty("statusCode").GetInt32());
        JsonElement post = await api.RespondAsync(LambdaEvents.Http("/cars", LambdaEvents.Claims(Operator, "operators"), method: "POST"));
        Assert.Equal(405, post.GetProperty("statusCode").GetInt32());
        Assert.False(api.Process.HasExited);
    }

    [BootstrapFact]
    public async Task BadEvents_AreReportedAsInvocationErrors_AndTheProcessServesTheNextEvent()
    {
        Dictionary<string, string> environment = await FreshTablesAsync();
        await using RunningFunction ingest = await RunningFunction.StartAsync(package, FunctionCatalog.Ingest, environment, output);

        foreach (string bad in new[] { "not json at all", "[1,2,3]", "{\"topic\":\"tracker/car-0042/fixes\",\"clientId\":\"car-0042\"}", string.Empty })
        {
            RuntimeApiResult result = await ingest.InvokeAsync(bad);
            Assert.True(result.IsError, "accepted: " + bad);
            Assert.Equal("Function.InvalidEvent", result.ErrorCategory);
            using JsonDocument error = JsonDocument.Parse(result.Body);
            Assert.Equal("InvalidEventException", error.RootElement.GetProperty("errorType").GetString());
            Assert.StartsWith("IoT rule event", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Array, error.RootElement.GetProperty("stackTrace").ValueKind);
        }

        // A garbled batch is the handler's own rejection (a response, not an error: retrying cannot help).
        JsonElement garbled = await ingest.RespondAsync(LambdaEvents.BasicIngest(Encoding.ASCII.GetBytes("garbage, not a batch"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Assert.Equal("rejected", garbled.GetProperty("outcome").GetString());

        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        JsonElement good = await ingest.RespondAsync(LambdaEvents.BasicIngest(WireBatch.Encode(SampleDrive.Fixes(start, 3)), start + 30_000));
        Assert.Equal(3, good.GetProperty("accepted").GetInt32());
        Assert.Contains(ingest.LogLines(), l => l.GetProperty("level").GetString() == "ERROR" && l.GetProperty("errorCategory").GetString() == "Function.InvalidEvent");
        Assert.False(ingest.Process.HasExited);
    }

    [BootstrapFact]
    public async Task StorageFailure_IsReportedSoLambdaRetries_AndTheTraceHeaderReachesDynamoDb()
    {
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], new Uri(stubs.FailingDynamoDb));
        await using RunningFunction ingest = await RunningFunction.StartAsync(package, FunctionCatalog.Ingest, environment, output);
        string trace = "Root=1-6848a1b2-0123456789abcdef01234567;Parent=1f2e3d4c5b6a7988;Sampled=1";
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;

        RuntimeApiResult result = await ingest.InvokeAsync(LambdaEvents.BasicIngest(WireBatch.Encode(SampleDrive.Fixes(start, 5)), start + 30_000), new RuntimeApiInvocation { TraceId = trace });

        Assert.True(result.IsError, result.Text);
        Assert.Equal("Function.Unhandled", result.ErrorCategory);
        using JsonDocument error = JsonDocument.Parse(result.Body);
        Assert.Contains("the store is down", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(stubs.DynamoDbTraceHeaders);
        Assert.Contains(trace, stubs.DynamoDbTraceHeaders);
        Assert.False(ingest.Process.HasExited);
    }

    [BootstrapFact]
    public async Task Deadline_TheHandlerIsCancelledAndATimeoutReported()
    {
        Dictionary<string, string> environment = await FreshTablesAsync();
        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output);
        _ = await api.RespondAsync(LambdaEvents.Http("/cars", LambdaEvents.Claims(Operator, "operators")));

        RuntimeApiResult late = await api.InvokeAsync(LambdaEvents.Http("/cars", LambdaEvents.Claims(Operator, "operators")), new RuntimeApiInvocation { Timeout = TimeSpan.FromMilliseconds(100) });

        Assert.True(late.IsError, late.Text);
        Assert.Equal("Function.Timeout", late.ErrorCategory);
        JsonElement next = await api.RespondAsync(LambdaEvents.Http("/cars", LambdaEvents.Claims(Operator, "operators")));
        Assert.Equal(200, next.GetProperty("statusCode").GetInt32());
    }

    [BootstrapFact]
    public async Task LiveAuthorizer_AllowsAnOperatorsTokenFetchedKeysOverHttps_AndDeniesNoToken()
    {
        Dictionary<string, string> environment = await FreshTablesAsync();
        environment[LiveAuthorizerSettings.IssuerVariable] = stubs.Issuer;
        environment[LiveAuthorizerSettings.ClientIdsVariable] = TestUserPool.ClientId;
        environment[LiveAuthorizerSettings.IotResourcePrefixVariable] = TestUserPool.IotPrefix;
        environment[LiveDisconnectSettings.GrantsTableVariable] = "unused-grants"; // an operator's grant is not recorded
        environment["SSL_CERT_FILE"] = stubs.CertificateFile;
        await using RunningFunction authorizer = await RunningFunction.StartAsync(package, FunctionCatalog.LiveAuthorizer, environment, output);

        JsonObject claims = TestUserPool.AccessClaims(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Operator, "operators");
        claims["iss"] = stubs.Issuer;
        JsonObject connect = LambdaEvents.Sample("live-authorizer-connect.json");
        connect["protocolData"]!["mqtt"]!["clientId"] = LiveClientIds.PrefixOf(Operator) + "7d2f0c9a";
        // A browser's form: the authorizer's name and the token in the WebSocket upgrade's query string.
        connect["protocolData"]!["http"]!["queryString"] = "?x-amz-customauthorizer-name=tracker-dev-live&token=" + Uri.EscapeDataString(TestUserPool.Sign(claims));
        JsonElement allowed = await authorizer.RespondAsync(connect.ToJsonString());
        Assert.True(allowed.GetProperty("isAuthenticated").GetBoolean(), allowed.ToString());
        Assert.NotEmpty(allowed.GetProperty("policyDocuments").EnumerateArray());

        connect["protocolData"]!["http"]!["queryString"] = "?x-amz-customauthorizer-name=tracker-dev-live";
        JsonElement denied = await authorizer.RespondAsync(connect.ToJsonString());
        Assert.False(denied.GetProperty("isAuthenticated").GetBoolean());
        Assert.Contains(authorizer.LogLines(), l => l.TryGetProperty("decision", out JsonElement d) && d.GetString() == "deny");
    }

    private async Task<Dictionary<string, string>> FreshTablesAsync()
    {
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], dynalite.ServiceUrl);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        return environment;
    }
}
