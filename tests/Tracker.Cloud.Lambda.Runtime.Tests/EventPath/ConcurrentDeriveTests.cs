using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Lambda.Tick;
using Tracker.Core.Fixes;

using Tracker.Cloud.Lambda.Runtime.Tests.Support;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>
/// Issue 16 on AWS, scope 1 and 2, over dynalite: each car's event state is one DynamoDB item under a conditional write,
/// so two ingest invocations for one car at the same time cannot both fire; and the tick applies the clock.
/// </summary>
public sealed class ConcurrentDeriveTests(DynaliteServer dynalite) : IClassFixture<DynaliteServer>
{
    [DynaliteFact]
    public async Task TwoIngestInvocationsForOneCar_BothReadingTheSameState_WriteTheEventOnce()
    {
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        var store = new DynamoDbStore(client, settings.Store);
        var derive = new DynamoDbDeriveStore(client, settings.Derive!);
        await derive.PutZoneAsync(EventPathFixtures.Depot, CancellationToken.None);
        var clock = new ManualClock(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Fix[] fixes = EventPathFixtures.LeavingTheDepot(clock.NowMs - 1000);
        string evt = LambdaEvents.Iot(WireBatch.Encode(fixes), receivedAt: clock.NowMs);

        // Both invocations read the car's state (none yet) before either commits: the worst interleaving, forced.
        var rendezvous = new RendezvousStore(derive, parties: 2);
        IngestHandler Invocation() => new(
            new IngestService(store, CarRules.Default.Ingest, clock),
            clock,
            TextWriter.Null,
            new DeriveAfterIngest(store, new DeriveService(new CarDeriver(DeriveOptions.Default), rendezvous, derive, new StoredObservations(store, derive), new StoredContexts(derive, store, SpeedLimits.None))));

        await Task.WhenAll(
            Task.Run(() => Invocation().HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None)),
            Task.Run(() => Invocation().HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None)));

        Assert.Equal(1, rendezvous.LostCommits); // one lost the conditional write, re-read the winner's state and redid its step
        List<Dictionary<string, AttributeValue>> items = await ScanAsync(client, settings.Derive!.EventsTable);
        Dictionary<string, AttributeValue> exit = Assert.Single(items, i => i["type"].S == "geofence-exit");
        Assert.Equal(fixes[5].TimeMs, long.Parse(exit["episodeStart"].N, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(items.Count, items.Select(i => i["eventId"].S).Distinct(StringComparer.Ordinal).Count());

        // The same as one invocation alone on another car: concurrency changed nothing.
        var alone = new ManualClock(clock.NowMs);
        string otherCar = "car-0043";
        await new IngestHandler(new IngestService(store, CarRules.Default.Ingest, alone), alone, TextWriter.Null, new DeriveAfterIngest(store, DeriveWiring.Create(store, settings.Derive, client).Service))
            .HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(LambdaEvents.Iot(WireBatch.Encode(fixes), "tracker/" + otherCar + "/fixes", otherCar, clock.NowMs))), CancellationToken.None);
        List<Dictionary<string, AttributeValue>> all = await ScanAsync(client, settings.Derive.EventsTable);
        Assert.Equal(
            items.Select(i => i["eventId"].S).Order(StringComparer.Ordinal),
            all.Where(i => i["carId"].S == otherCar).Select(i => i["eventId"].S).Order(StringComparer.Ordinal));
    }

    [DynaliteFact]
    public async Task Tick_RaisesOfflineForACarSilentPastItsLimit_OnceAcrossRepeatedTicks()
    {
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        var store = new DynamoDbStore(client, settings.Store);
        long heardMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        var then = new ManualClock(heardMs);
        var parts = DeriveWiring.CreateWithParts(store, settings.Derive!, client);
        await new IngestHandler(new IngestService(store, CarRules.Default.Ingest, then), then, TextWriter.Null, new DeriveAfterIngest(store, parts.Service))
            .HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(LambdaEvents.Iot(WireBatch.Encode(EventPathFixtures.LeavingTheDepot(heardMs - 1000)), receivedAt: heardMs))), CancellationToken.None);

        var now = new ManualClock(heardMs + 3_600_000);
        var tick = new TickHandler(parts.Service, parts.States, parts.Contexts, parts.Deriver, now, TextWriter.Null);
        TickSummary first = await tick.TickAllAsync(CancellationToken.None);
        long version = (await parts.States.GetAsync(LambdaEvents.Car, CancellationToken.None))!.Version;
        now.NowMs += 60_000;
        TickSummary second = await tick.TickAllAsync(CancellationToken.None);

        Assert.Equal(1, first.Cars);
        Assert.Equal(0, first.Idle);
        Assert.Equal(0, first.Failed);
        Assert.Equal(0, second.Events);
        Assert.Equal(1, second.Idle); // the clock changed nothing: nothing written
        Assert.Equal(version, (await parts.States.GetAsync(LambdaEvents.Car, CancellationToken.None))!.Version);
        List<Dictionary<string, AttributeValue>> items = await ScanAsync(client, settings.Derive!.EventsTable);
        Dictionary<string, AttributeValue> offline = Assert.Single(items, i => i["type"].S == "offline");
        Assert.Equal(LambdaEvents.Car, offline["carId"].S);
    }

    internal static async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(IAmazonDynamoDB client, string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await client.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true, ExclusiveStartKey = start });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);
        return items;
    }

    /// <summary>Holds the first <c>parties</c> state reads until all have read (bounded), and counts lost commits.</summary>
    private sealed class RendezvousStore(IDerivationStore inner, int parties) : IDerivationStore
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;
        private int _lost;

        public int LostCommits => Volatile.Read(ref _lost);

        public async Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
        {
            CarDerivation? state = await inner.GetAsync(carId, cancellationToken);
            int read = Interlocked.Increment(ref _reads);
            if (read == parties)
            {
                _all.TrySetResult();
            }

            if (read <= parties)
            {
                await _all.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            }

            return state;
        }

        public async Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken)
        {
            bool won = await inner.TryCommitAsync(car, events, withdrawals, cancellationToken);
            if (!won)
            {
                Interlocked.Increment(ref _lost);
            }

            return won;
        }

        public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) => inner.ListCarsAsync(cancellationToken);
    }
}
