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
    /// <summary>Builds the service.</summary>
    /// <param name="store">The fixes, latest and rentals store.</param>
    /// <param name="tables">The Derive stage's tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <returns>The service and the state store it commits to.</returns>
    public static (DeriveService Service, DynamoDbDeriveStore States) Create(DynamoDbStore store, DynamoDbDeriveOptions tables, IAmazonDynamoDB client)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(client);
        var stores = new DynamoDbDeriveStore(client, tables);
        var service = new DeriveService(
            new CarDeriver(DeriveOptions.Default), stores, stores, new StoredObservations(store, stores), new StoredContexts(stores, store, SpeedLimits.None));
        return (service, stores);
    }
}
