using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 15, F5 on AWS: a change to a rental closes the renter's live connections. The live-disconnect function as
/// deployed (settings from its environment) reads the grants the authorizer recorded from dynalite and calls IoT Core's
/// DeleteConnection on a loopback data plane.
/// </summary>
public sealed class LiveDisconnectTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    private const string Renter = "4c8e2a1f-renter-0001";
    private static readonly DateTimeOffset ChangeTime = new(2025, 6, 10, 8, 20, 5, TimeSpan.Zero);
    private static readonly long NowS = ChangeTime.ToUnixTimeSeconds();

    private static string Web(string subject, string random) => Tracker.Cloud.Core.Access.LiveClientIds.PrefixOf(subject) + random;

    private async Task<(LiveDisconnectFunction Function, LiveGrantLog Grants)> DeployAsync(LoopbackIotDataPlane iot, AmazonDynamoDBClient client)
    {
        string table = "g" + Guid.NewGuid().ToString("N")[..12];
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new(LiveGrantLog.SubjectAttribute, ScalarAttributeType.S), new(LiveGrantLog.ClientIdAttribute, ScalarAttributeType.S)],
            KeySchema = [new(LiveGrantLog.SubjectAttribute, KeyType.HASH), new(LiveGrantLog.ClientIdAttribute, KeyType.RANGE)],
        });
        for (int i = 0; i < 100 && (await client.DescribeTableAsync(table)).Table.TableStatus != TableStatus.ACTIVE; i++)
        {
            await Task.Delay(50);
        }

        var environment = new Dictionary<string, string>
        {
            [LiveDisconnectSettings.GrantsTableVariable] = table,
            [LiveDisconnectSettings.IotDataEndpointVariable] = iot.Endpoint.ToString(),
            [LiveDisconnectSettings.RegionVariable] = "us-east-1",
        };
        LiveDisconnectSettings settings = LiveDisconnectSettings.Read(environment.GetValueOrDefault);
        var function = new LiveDisconnectFunction(settings, client, new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, () => new ImmutableCredentials("AKIDEXAMPLE", "secret", "token"), new FixedClock(ChangeTime));
        return (function, new LiveGrantLog(client, table));
    }

    private static string SampleEvent() => LambdaEvents.SampleText("rental-change.json");

    private static string Event(params (string Name, JsonObject? Old, JsonObject? New, string Sequence)[] records) => new JsonObject
    {
        ["Records"] = new JsonArray(records.Select(r => (JsonNode)new JsonObject
        {
            ["eventID"] = "id-" + r.Sequence,
            ["eventName"] = r.Name,
            ["eventSource"] = "aws:dynamodb",
            ["dynamodb"] = new JsonObject
            {
                ["SequenceNumber"] = r.Sequence,
                ["OldImage"] = r.Old?.DeepClone(),
                ["NewImage"] = r.New?.DeepClone(),
                ["StreamViewType"] = "NEW_AND_OLD_IMAGES",
            },
        }).ToArray()),
    }.ToJsonString();

    private static JsonObject Rental(string renter, long fromS, long toS) => new()
    {
        ["carId"] = new JsonObject { ["S"] = "car-0042" },
        ["renter"] = new JsonObject { ["S"] = renter },
        ["fromMs"] = new JsonObject { ["N"] = (fromS * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["toMs"] = new JsonObject { ["N"] = (toS * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    private static async Task<JsonElement> InvokeAsync(LiveDisconnectFunction function, string json)
    {
        using Stream output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);
        using JsonDocument document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    [StoreFact]
    public async Task RentalShortenedToNow_ClosesEveryLiveConnectionOfTheRenter_AndNoOneElses()
    {
        string tab1 = Web(Renter, "tab1"), tab2 = Web(Renter, "tab2"), ended = Web(Renter, "old"), gone = Web(Renter, "gone"), other = Web("renter-2", "x");
        await using var iot = new LoopbackIotDataPlane(tab1, tab2, ended, other);
        using AmazonDynamoDBClient client = server.CreateClient();
        (LiveDisconnectFunction function, LiveGrantLog grants) = await DeployAsync(iot, client);
        await grants.RecordAsync(Renter, tab1, NowS - 600, NowS + 3000, default);
        await grants.RecordAsync(Renter, tab2, NowS - 60, NowS + 3600, default);
        await grants.RecordAsync(Renter, gone, NowS - 60, NowS + 3600, default); // recorded, then the tab was closed
        await grants.RecordAsync(Renter, ended, NowS - 4000, NowS - 1, default); // its grant has ended: not ours to close
        await grants.RecordAsync("renter-2", other, NowS - 60, NowS + 3600, default);

        JsonElement response = await InvokeAsync(function, SampleEvent());

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal([tab1, tab2], iot.Closed.Order(StringComparer.Ordinal));
        Assert.True(iot.IsConnected(other));
        Assert.True(iot.IsConnected(ended));
        Assert.Equal(3, iot.Requests.Count);
        Assert.All(iot.Requests, r => Assert.EndsWith("?cleanSession=true&preventWillMessage=true", r, StringComparison.Ordinal));
        Assert.All(iot.Authorizations, a => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250610/us-east-1/iotdata/aws4_request,", a, StringComparison.Ordinal));
    }

    [StoreFact]
    public async Task ChangesThatTouchNoRunningRental_CloseNothing()
    {
        string tab = Web(Renter, "tab");
        await using var iot = new LoopbackIotDataPlane(tab);
        using AmazonDynamoDBClient client = server.CreateClient();
        (LiveDisconnectFunction function, LiveGrantLog grants) = await DeployAsync(iot, client);
        await grants.RecordAsync(Renter, tab, NowS - 60, NowS + 3600, default);
        JsonObject running = Rental(Renter, NowS - 3600, NowS + 3600);

        JsonElement response = await InvokeAsync(function, Event(
            ("MODIFY", running, Rental(Renter, NowS - 3600, NowS + 3600), "1"), // the same rental written again
            ("INSERT", null, Rental(Renter, NowS + 86_400, NowS + 90_000), "2"), // a rental tomorrow
            ("REMOVE", Rental(Renter, NowS - 90_000, NowS - 86_400), null, "3"), // yesterday's, removed (TTL or tidying)
            ("MODIFY", new JsonObject { ["carId"] = new JsonObject { ["S"] = "car-1" } }, null, "4"))); // not a rental

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Empty(iot.Requests);
        Assert.True(iot.IsConnected(tab));
    }

    [StoreFact]
    public async Task RentalRemovedOrHandedToAnotherRenter_ClosesTheOldRenter_AndARentalStartingNowClosesTheNewOne()
    {
        string a = Web("renter-a", "1"), b = Web("renter-b", "1"), c = Web("renter-c", "1");
        await using var iot = new LoopbackIotDataPlane(a, b, c);
        using AmazonDynamoDBClient client = server.CreateClient();
        (LiveDisconnectFunction function, LiveGrantLog grants) = await DeployAsync(iot, client);
        await grants.RecordAsync("renter-a", a, NowS, NowS + 3600, default);
        await grants.RecordAsync("renter-b", b, NowS, NowS + 3600, default);
        await grants.RecordAsync("renter-c", c, NowS, NowS + 3600, default);

        JsonElement response = await InvokeAsync(function, Event(
            ("REMOVE", Rental("renter-a", NowS - 60, NowS + 3600), null, "10"),
            ("MODIFY", Rental("renter-b", NowS - 60, NowS + 3600), Rental("renter-c", NowS - 60, NowS + 3600), "11")));

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal([a, b, c], iot.Closed.Order(StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task IotCoreThrottling_NamesTheFirstFailedRecord_SoLambdaRetriesFromIt()
    {
        string tab = Web(Renter, "tab");
        await using var iot = new LoopbackIotDataPlane(tab) { FailWith = HttpStatusCode.TooManyRequests };
        using AmazonDynamoDBClient client = server.CreateClient();
        (LiveDisconnectFunction function, LiveGrantLog grants) = await DeployAsync(iot, client);
        await grants.RecordAsync(Renter, tab, NowS, NowS + 3600, default);
        JsonObject running = Rental(Renter, NowS - 60, NowS + 3600);

        JsonElement response = await InvokeAsync(function, Event(("INSERT", null, Rental("nobody", NowS - 60, NowS + 60), "20"), ("REMOVE", running, null, "21"), ("REMOVE", running, null, "22")));

        Assert.Equal("21", Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray()).GetProperty("itemIdentifier").GetString());
        Assert.Single(iot.Requests); // record 22 was not tried: Lambda retries it with 21
        iot.FailWith = null;
        JsonElement retried = await InvokeAsync(function, Event(("REMOVE", running, null, "21"), ("REMOVE", running, null, "22")));
        Assert.Empty(retried.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal([tab], iot.Closed);
    }

    [Fact]
    public void MissingOrBadSettings_FailTheStart_NamingTheVariable()
    {
        var good = new Dictionary<string, string>
        {
            [LiveDisconnectSettings.GrantsTableVariable] = "tracker-dev-live-grants",
            [LiveDisconnectSettings.IotDataEndpointVariable] = "https://a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com",
            [LiveDisconnectSettings.RegionVariable] = "us-east-1",
        };
        Assert.Equal("a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com", LiveDisconnectSettings.Read(good.GetValueOrDefault).IotDataEndpoint.Host);
        foreach ((string name, string? value) in new[]
        {
            (LiveDisconnectSettings.GrantsTableVariable, null), (LiveDisconnectSettings.GrantsTableVariable, "a/b"),
            (LiveDisconnectSettings.IotDataEndpointVariable, null), (LiveDisconnectSettings.IotDataEndpointVariable, "a1b2-ats.iot.us-east-1.amazonaws.com"),
            (LiveDisconnectSettings.IotDataEndpointVariable, "https://h/mqtt"), (LiveDisconnectSettings.IotDataEndpointVariable, "ftp://h"),
            (LiveDisconnectSettings.RegionVariable, null),
        })
        {
            var environment = new Dictionary<string, string?>(good.ToDictionary(p => p.Key, p => (string?)p.Value)) { [name] = value };
            var e = Assert.Throws<InvalidOperationException>(() => LiveDisconnectSettings.Read(environment.GetValueOrDefault));
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
