using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// Issue 15, F5 on AWS, through the published bootstrap: the live authorizer process records a renter's grant in the
/// grants table on dynalite, and the live-disconnect process, given a stream record of that rental's cancellation,
/// finds the connection there and closes it at a loopback IoT data plane with a signed DeleteConnection.
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapLiveDisconnectTests(PublishedPackage package, DynaliteServer dynalite, StubServers stubs, ITestOutputHelper output)
    : IClassFixture<DynaliteServer>, IClassFixture<StubServers>
{
    private const string Renter = "4c8e2a1f-renter-0001";

    [BootstrapFact]
    public async Task RentalCancelled_TheRentersConnectionTheAuthorizerGranted_IsClosed()
    {
        string prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment(prefix, dynalite.ServiceUrl);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        string grantsTable = prefix + "-live-grants";
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = grantsTable,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new(LiveGrantLog.SubjectAttribute, ScalarAttributeType.S), new(LiveGrantLog.ClientIdAttribute, ScalarAttributeType.S)],
            KeySchema = [new(LiveGrantLog.SubjectAttribute, KeyType.HASH), new(LiveGrantLog.ClientIdAttribute, KeyType.RANGE)],
        });
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rental = new Rental("car-0042", Renter, now - 600_000, now + 3_600_000);
        await new DynamoDbStore(client, settings.Store).PutAsync(rental, default);
        environment[LiveDisconnectSettings.GrantsTableVariable] = grantsTable;

        // The renter's browser connects: the authorizer grants its car and records the client id.
        var authorizerEnvironment = new Dictionary<string, string>(environment)
        {
            [LiveAuthorizerSettings.IssuerVariable] = stubs.Issuer,
            [LiveAuthorizerSettings.ClientIdsVariable] = TestUserPool.ClientId,
            [LiveAuthorizerSettings.IotResourcePrefixVariable] = TestUserPool.IotPrefix,
            ["SSL_CERT_FILE"] = stubs.CertificateFile,
        };
        string clientId = LiveClientIds.PrefixOf(Renter) + "7d2f0c9a4b1e3f60";
        JsonObject claims = TestUserPool.IdClaims(now / 1000, Renter, "renters");
        claims["iss"] = stubs.Issuer;
        JsonObject connect = LambdaEvents.Sample("live-authorizer-connect.json");
        connect["protocolData"]!["http"]!["queryString"] = "?x-amz-customauthorizer-name=tracker-dev-live&token=" + Uri.EscapeDataString(TestUserPool.Sign(claims));
        connect["protocolData"]!["mqtt"]!["clientId"] = clientId;
        await using (RunningFunction authorizer = await RunningFunction.StartAsync(package, FunctionCatalog.LiveAuthorizer, authorizerEnvironment, output))
        {
            JsonElement allowed = await authorizer.RespondAsync(connect.ToJsonString());
            Assert.True(allowed.GetProperty("isAuthenticated").GetBoolean(), allowed.ToString());
        }

        Assert.Equal([clientId], await new LiveGrantLog(client, grantsTable).ClientIdsAsync(Renter, now / 1000, default));

        // The rental is cancelled: the stream delivers its removal to live-disconnect.
        await using var iot = new LoopbackIotDataPlane(clientId);
        environment[LiveDisconnectSettings.IotDataEndpointVariable] = iot.Endpoint.ToString();
        await using RunningFunction disconnect = await RunningFunction.StartAsync(package, FunctionCatalog.LiveDisconnect, environment, output);
        JsonObject change = LambdaEvents.Sample("rental-change.json");
        JsonObject record = change["Records"]![0]!.AsObject();
        record["eventName"] = "REMOVE";
        JsonObject image = record["dynamodb"]!["OldImage"]!.AsObject();
        image["fromMs"] = new JsonObject { ["N"] = rental.FromMs.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        image["toMs"] = new JsonObject { ["N"] = rental.ToMs.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        ((JsonObject)record["dynamodb"]!).Remove("NewImage");

        JsonElement response = await disconnect.RespondAsync(change.ToJsonString());

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal([clientId], iot.Closed);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=S3RVER/", Assert.Single(iot.Authorizations), StringComparison.Ordinal);
        JsonElement line = Assert.Single(disconnect.LogLines(), l => l.TryGetProperty("closed", out _));
        Assert.Equal(1, line.GetProperty("closed").GetInt32());
    }
}
