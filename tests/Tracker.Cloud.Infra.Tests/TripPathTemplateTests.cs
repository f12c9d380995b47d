using System.Text.Json.Nodes;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Issue 17 on AWS in the template: the trips table with its two indexes, the ingest and tick functions writing trips in
/// their Derive step, the API function reading them, each role with only the actions and indexes its side calls.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class TripPathTemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void TripsTable_IsKeyedOnCarAndItem_WithTheDecidedAndDayIndexes_AndATtlOnlyTheCommitsLeftoversCarry()
    {
        JsonObject table = Dev.Single("AWS::DynamoDB::Table", t => (string?)t["TableName"] == Dev.Names.TripsTable);
        Assert.Equal(["carId", "itemKey"], table["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
        Assert.Equal("expiresAt", (string?)table["TimeToLiveSpecification"]!["AttributeName"]);
        JsonNode local = Assert.Single(table["LocalSecondaryIndexes"]!.AsArray())!;
        Assert.Equal(DynamoDbTripStore.DecidedIndex, (string?)local["IndexName"]);
        Assert.Equal(["carId", "decidedTs"], local["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
        Assert.Equal("KEYS_ONLY", (string?)local["Projection"]!["ProjectionType"]);
        JsonNode day = Assert.Single(table["GlobalSecondaryIndexes"]!.AsArray())!;
        Assert.Equal(DynamoDbTripStore.DayIndex, (string?)day["IndexName"]);
        Assert.Equal(["day", "dayKey"], day["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
        Assert.Equal(DynamoDbTripStore.DayIndexAttributes.Order(StringComparer.Ordinal), Strings(day["Projection"]!["NonKeyAttributes"]).Order(StringComparer.Ordinal));
    }

    [SynthFact]
    public void IngestAndTick_WriteTrips_ThroughTheDecidedIndexAndConditionalPuts_Only()
    {
        foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick })
        {
            JsonObject function = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(role));
            Assert.True(function["Environment"]!["Variables"]!.AsObject().ContainsKey(FunctionSettings.TripsTableVariable), role + " lacks " + FunctionSettings.TripsTableVariable);
            List<JsonObject> trips = OnTrips(role);
            Assert.Equal(["dynamodb:PutItem", "dynamodb:Query"], trips.SelectMany(s => Strings(s["Action"])).Order(StringComparer.Ordinal));
            Assert.Contains(trips.SelectMany(s => Strings(s["Resource"])), r => r.EndsWith("/index/" + DynamoDbTripStore.DecidedIndex, StringComparison.Ordinal));
            Assert.DoesNotContain(trips.SelectMany(s => Strings(s["Resource"])), r => r.Contains(DynamoDbTripStore.DayIndex, StringComparison.Ordinal));
        }
    }

    [SynthFact]
    public void Api_ReadsTripsAndTheDayIndex_AndPutsOnlyOdometerReadings()
    {
        JsonObject function = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(FunctionCatalog.Api));
        Assert.True(function["Environment"]!["Variables"]!.AsObject().ContainsKey(FunctionSettings.TripsTableVariable));
        List<JsonObject> trips = OnTrips(FunctionCatalog.Api);
        Assert.Equal(["dynamodb:PutItem", "dynamodb:Query"], trips.SelectMany(s => Strings(s["Action"])).Order(StringComparer.Ordinal));
        Assert.Contains(trips.SelectMany(s => Strings(s["Resource"])), r => r.EndsWith("/index/" + DynamoDbTripStore.DayIndex, StringComparison.Ordinal));
        Assert.DoesNotContain(trips.SelectMany(s => Strings(s["Resource"])), r => r.Contains(DynamoDbTripStore.DecidedIndex, StringComparison.Ordinal));
    }

    private List<JsonObject> OnTrips(string role) =>
        PolicyStatements.ForFunction(Dev, Dev.Names.Function(role))
            .Where(s => Strings(s["Resource"]).Any(r => r.Contains("StoresTrips", StringComparison.Ordinal)))
            .ToList();
}
