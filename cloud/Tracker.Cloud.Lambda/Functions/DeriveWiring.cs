using Amazon.DynamoDBv2;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>The Derive stage over DynamoDB, as the ingest and tick functions build it: one wiring, so both run the same engine on the same state.</summary>
public static class DeriveWiring
{
    /// <summary>The thresholds' store the settings name, or null.</summary>
    /// <param name="settings">The function's settings.</param>
    /// <param name="client">DynamoDB.</param>
    /// <returns>The store, or null when no table is named.</returns>
    public static ILimitStore? Limits(FunctionSettings settings, IAmazonDynamoDB client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.LimitsTable is { } table ? new DynamoDbLimitStore(client, table) : null;
    }

    /// <summary>Issue 17's store the settings name (trips, stops, odometer readings), or null.</summary>
    /// <param name="settings">The function's settings.</param>
    /// <param name="client">DynamoDB.</param>
    /// <returns>The store, or null when no table is named.</returns>
    public static DynamoDbTripStore? Trips(FunctionSettings settings, IAmazonDynamoDB client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.TripsTable is { } table ? new DynamoDbTripStore(client, table) : null;
    }

    /// <summary>Builds the service.</summary>
    /// <param name="store">The fixes, latest and rentals store.</param>
    /// <param name="tables">The Derive stage's tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <returns>The service and the state store it commits to.</returns>
    /// <param name="limits">The thresholds set through the API, or null for the defaults only.</param>
    /// <param name="trips">Trips, stops and odometer readings (issue 17), or null to keep trips in the state only; the
    /// readings go into each step's context.</param>
    public static (DeriveService Service, DynamoDbDeriveStore States) Create(DynamoDbStore store, DynamoDbDeriveOptions tables, IAmazonDynamoDB client, ILimitStore? limits = null, DynamoDbTripStore? trips = null)
    {
        (DeriveService service, DynamoDbDeriveStore states, _, _) = CreateWithParts(store, tables, client, limits, trips, trips);
        return (service, states);
    }

    /// <summary>Builds the service and hands back its parts (the tick's probe runs the same engine on the same contexts).</summary>
    /// <param name="store">The fixes, latest and rentals store.</param>
    /// <param name="tables">The Derive stage's tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <returns>The service, the state store, the contexts and the engine.</returns>
    /// <param name="limits">The thresholds set through the API, or null for the defaults only.</param>
    /// <param name="trips">Trips and stops (issue 17), or null to keep trips in the state only.</param>
    /// <param name="readings">The odometer readings for each step's context, or null: the tick passes none, since the
    /// clock never applies a reading (only an observation does) and reading them every car-minute would cost 1 read unit each.</param>
    public static (DeriveService Service, DynamoDbDeriveStore States, IDeriveContextSource Contexts, CarDeriver Deriver) CreateWithParts(DynamoDbStore store, DynamoDbDeriveOptions tables, IAmazonDynamoDB client, ILimitStore? limits = null, DynamoDbTripStore? trips = null, IOdometerReadingStore? readings = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(client);
        var stores = new DynamoDbDeriveStore(client, tables);
        var deriver = new CarDeriver(DeriveOptions.Default);
        var contexts = new StoredContexts(stores, store, SpeedLimits.None, limits, readings);
        var service = new DeriveService(deriver, stores, stores, new StoredObservations(store, stores), contexts, trips);
        return (service, stores, contexts, deriver);
    }
}
