using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The two functions as the Lambda runtime builds them (settings from the environment, the
/// DynamoDB store), end to end against dynalite: a batch in through ingest, the position out
/// through the API.
/// </summary>
public sealed class DeployedFunctionsTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    [StoreFact]
    public async Task IngestThenApi_OnDynamoDb_ServeTheNewestPosition()
    {
        string prefix = "f" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = prefix + "-fixes",
            [FunctionSettings.LatestTableVariable] = prefix + "-latest",
            [FunctionSettings.RentalsTableVariable] = prefix + "-rentals",
        };
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = server.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        Fix[] fixes = Enumerable.Range(0, 5).Select(i => Fix.Create(now - ((4 - i) * 1000L), 395296417 + (i * 50), -1198136462 + (i * 70))).ToArray();
        byte[] batch = WireBatch.Encode(fixes);
        string ingestEvent = JsonSerializer.Serialize(new
        {
            payload = Convert.ToBase64String(batch),
            topic = "tracker/car-0042/fixes",
            clientId = "car-0042",
            receivedAt = now + 300,
        });

        using Stream summary = await new IngestFunction(settings, client).FunctionHandler(new MemoryStream(Encoding.UTF8.GetBytes(ingestEvent)));
        using JsonDocument ingested = await JsonDocument.ParseAsync(summary);
        Assert.Equal(5, ingested.RootElement.GetProperty("accepted").GetInt32());
        Assert.True(ingested.RootElement.GetProperty("latestAdvanced").GetBoolean());

        string apiEvent = LambdaEvents.SampleText("api-latest.json")
            .Replace("\"[renters]\"", "\"[operators]\"", StringComparison.Ordinal)
            .Replace("\"1749546000\"", "\"" + ((now / 1000) + 3600) + "\"", StringComparison.Ordinal);
        using Stream response = await new ApiFunction(settings, client).FunctionHandler(new MemoryStream(Encoding.UTF8.GetBytes(apiEvent)));
        using JsonDocument api = await JsonDocument.ParseAsync(response);
        Assert.Equal(200, api.RootElement.GetProperty("statusCode").GetInt32());
        using JsonDocument body = JsonDocument.Parse(api.RootElement.GetProperty("body").GetString()!);
        Assert.Contains((395296417 + 200).ToString(System.Globalization.CultureInfo.InvariantCulture), body.RootElement.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTableVariable_FailsTheStart_NamingTheVariable()
    {
        var environment = new Dictionary<string, string> { [FunctionSettings.FixesTableVariable] = "fixes", [FunctionSettings.RentalsTableVariable] = "rentals" };
        var e = Assert.Throws<InvalidOperationException>(() => FunctionSettings.Read(environment.GetValueOrDefault));
        Assert.Contains(FunctionSettings.LatestTableVariable, e.Message, StringComparison.Ordinal);
    }
}
