using System.Text;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Sqlite;
using Tracker.Core.Fixes;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>The ingest handler with the Derive stage after the store (issue 16: evaluation in the ingest path), over SQLite.</summary>
public sealed class IngestDeriveTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("tracker-ingest-derive-");
    private readonly ManualClock _clock = new(LambdaEvents.SampleNowMs);
    private SqliteDeriveStore? _derive;
    private IngestHandler? _handler;

    public async Task InitializeAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db"), Clock = _clock }, CancellationToken.None);
        _derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        var service = new DeriveService(new CarDeriver(DeriveOptions.Default), _derive, _derive, new StoredObservations(store, _derive), new StoredContexts(_derive, store, SpeedLimits.None));
        _handler = new IngestHandler(new IngestService(store, new IngestOptions(), _clock), _clock, new StringWriter(), new DeriveAfterIngest(store, service));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABatchLeavingAZone_IsAnEventOnceStored_AndItsRetryAddsNone()
    {
        // Ten fixes a second apart, 10 m north each, ending at the rule's receive time; a 45 m zone around the first.
        long end = LambdaEvents.SampleNowMs - 1000;
        Fix[] fixes = Enumerable.Range(0, 10).Select(i =>
        {
            Fix f = Fix.Create(end - ((9 - i) * 1000L), 523_812_000 + (i * 900), 49_000_000);
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            f.HdopX100 = 90;
            f.Satellites = 9;
            f.SpeedMmps = 10_000;
            return f;
        }).ToArray();
        await _derive!.PutZoneAsync(new Zone { Id = "depot", Name = "Depot", Center = new GeoPoint(523_812_000, 49_000_000), RadiusM = 45 }, CancellationToken.None);
        string evt = LambdaEvents.Iot(WireBatch.Encode(fixes));

        await _handler!.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        EventPage page = await _derive.QueryAsync(new EventQuery(LambdaEvents.Car, [EventType.GeofenceExit], 0, long.MaxValue, 10, null), CancellationToken.None);
        Assert.Equal(fixes[5].TimeMs, Assert.Single(page.Events).Event.EpisodeStartMs); // 50 m: the first fix outside

        await _handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        Assert.Single((await _derive.QueryAsync(new EventQuery(LambdaEvents.Car, [], 0, long.MaxValue, 100, null), CancellationToken.None)).Events, e => e.Event.Type == EventType.GeofenceExit);
    }

    [Fact]
    public void DeriveTables_AreAllFourOrNone_NamedWhenOneIsMissing()
    {
        Dictionary<string, string> env = new()
        {
            [FunctionSettings.FixesTableVariable] = "fixes",
            [FunctionSettings.LatestTableVariable] = "latest",
            [FunctionSettings.RentalsTableVariable] = "rentals",
        };
        Assert.Null(FunctionSettings.Read(env.GetValueOrDefault).Derive);

        env["TRACKER_DERIVE_STATE_TABLE"] = "derive-state";
        env["TRACKER_EVENTS_TABLE"] = "events";
        env["TRACKER_STATUSES_TABLE"] = "statuses";
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => FunctionSettings.Read(env.GetValueOrDefault));
        Assert.Contains("TRACKER_ZONES_TABLE is not set", e.Message, StringComparison.Ordinal);

        env["TRACKER_ZONES_TABLE"] = "zones";
        Assert.Equal("events", FunctionSettings.Read(env.GetValueOrDefault).Derive!.EventsTable);
    }
}
