using Amazon.DynamoDBv2;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The functions' environment with fresh tables on dynalite for the trip tests: fixes, latest, rentals, trips and the
/// Derive tables under one random prefix, created as the stack would, and the settings the functions read from it.
/// </summary>
internal static class TripFunctionTables
{
    public static async Task<(FunctionSettings Settings, Func<string, string?> Environment)> CreateAsync(AmazonDynamoDBClient client, char prefixLetter)
    {
        string prefix = prefixLetter + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = prefix + "-fixes",
            [FunctionSettings.LatestTableVariable] = prefix + "-latest",
            [FunctionSettings.RentalsTableVariable] = prefix + "-rentals",
            [FunctionSettings.TripsTableVariable] = prefix + "-trips",
        };
        string[] derive = ["-state", "-events", "-statuses", "-zones"];
        for (int i = 0; i < derive.Length; i++)
        {
            environment[FunctionSettings.DeriveTableVariables[i]] = prefix + derive[i];
        }

        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        await DynamoDbTables.EnsureCreatedAsync(client, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbDeriveTables.EnsureCreatedAsync(client, settings.Derive!, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbTripStore.EnsureCreatedAsync(client, settings.TripsTable!, TimeSpan.FromSeconds(10), CancellationToken.None);
        return (settings, environment.GetValueOrDefault);
    }
}
