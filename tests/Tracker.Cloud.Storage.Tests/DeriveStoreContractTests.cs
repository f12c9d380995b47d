using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The Derive stage's storage contract (cloud/Tracker.Cloud.Derive/README.md, "State that survives a restart"): every
/// adapter passes these. A concrete class supplies a fresh, empty store per test.
/// </summary>
public abstract class DeriveStoreContractTests : IAsyncLifetime
{
    /// <summary>A time inside the retention window of the real clock.</summary>
    protected static readonly long T0 = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds() / 1000 * 1000;

    private DeriveStores? _stores;

    /// <summary>The stores under test.</summary>
    protected DeriveStores Stores => _stores ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Creates fresh, empty stores.</summary>
    protected abstract Task<DeriveStores> CreateStoresAsync();

    /// <summary>Releases what <see cref="CreateStoresAsync"/> made.</summary>
    protected virtual Task DeleteStoresAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync() => _stores = await CreateStoresAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => DeleteStoresAsync();

    protected static FleetEvent Event(string car, EventType type, long start, string subject = "", long decided = 0) => new()
    {
        CarId = car,
        Type = type,
        EpisodeStartMs = start,
        Subject = subject,
        DecidedTs = decided == 0 ? start : decided,
        DetectedMs = start + 1000,
        LatE7 = 481_351_000,
        LonE7 = 115_820_000,
    };

    private static CarDerivation State(string car, long version, long watermark)
    {
        CarDerivation state = CarDerivation.New(car);
        state.Version = version;
        state.WatermarkTs = watermark;
        state.States.Ignition.Current = IgnitionState.On;
        state.Checkpoints.Add(new Checkpoint { Ts = long.MinValue, States = DeriveJson.Write(new ProcessorStates()) });
        return state;
    }

    private Task<bool> Commit(CarDerivation car, FleetEvent[]? events = null, EventKey[]? withdrawals = null) =>
        Stores.States.TryCommitAsync(car, events ?? [], withdrawals ?? [], CancellationToken.None);

    [StoreFact]
    public async Task State_OfANewCar_IsNone_AndACommitAtVersionZeroCreatesIt()
    {
        Assert.Null(await Stores.States.GetAsync("car-1", CancellationToken.None));
        CarDerivation car = State("car-1", 0, T0);
        Assert.True(await Commit(car, [Event("car-1", EventType.IgnitionOn, T0)]));
        Assert.Equal(1, car.Version);

        CarDerivation? read = await Stores.States.GetAsync("car-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(1, read.Version);
        Assert.Equal(T0, read.WatermarkTs);
        Assert.Equal(IgnitionState.On, read.States.Ignition.Current);
        Assert.Single(read.Checkpoints);
        Assert.Equal(["car-1"], await Stores.States.ListCarsAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task Commit_AtAStaleVersion_WritesNothing()
    {
        Assert.True(await Commit(State("car-1", 0, T0)));
        Assert.False(await Commit(State("car-1", 0, T0 + 5), [Event("car-1", EventType.Towing, T0)]));
        Assert.Equal(T0, (await Stores.States.GetAsync("car-1", CancellationToken.None))!.WatermarkTs);
        Assert.Null(await Stores.Events.GetAsync(Event("car-1", EventType.Towing, T0).Key, CancellationToken.None));
        Assert.True(await Commit(State("car-1", 1, T0 + 5)));
    }

    [StoreFact]
    public async Task Commits_RacingOnOneVersion_OnlyOneWins()
    {
        Assert.True(await Commit(State("car-1", 0, T0)));
        bool[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Commit(State("car-1", 1, T0 + i), [Event("car-1", EventType.Moving, T0 + i)]))));
        Assert.Single(results, r => r);
        EventPage all = await Stores.Events.QueryAsync(new EventQuery("car-1", [], long.MinValue, long.MaxValue, 100, null), CancellationToken.None);
        Assert.Single(all.Events);
    }

    [StoreFact]
    public async Task Event_WrittenAgainUnderItsKey_IsRevised_KeepingItsAcknowledgement()
    {
        FleetEvent open = Event("car-1", EventType.Overspeed, T0) with { SpeedMmps = 35_000 };
        Assert.True(await Commit(State("car-1", 0, T0), [open]));
        await Stores.Events.AcknowledgeAsync(open.Key, "op-1", T0 + 10, CancellationToken.None);
        Assert.True(await Commit(State("car-1", 1, T0 + 60_000), [open with { EndMs = T0 + 60_000, SpeedMmps = 38_000 }]));

        StoredEvent? stored = await Stores.Events.GetAsync(open.Key, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal((T0 + 60_000, 38_000), (stored.Event.EndMs!.Value, stored.Event.SpeedMmps!.Value));
        Assert.Equal(("op-1", T0 + 10), (stored.AcknowledgedBy!, stored.AcknowledgedMs!.Value));
        Assert.False(stored.Withdrawn);
    }

    [StoreFact]
    public async Task Withdrawn_IsHiddenFromRevisionAndLists_UnlessAsked_AndARewriteRestoresIt()
    {
        FleetEvent e = Event("car-1", EventType.GeofenceExit, T0, "depot", decided: T0 + 5);
        Assert.True(await Commit(State("car-1", 0, T0), [e]));
        Assert.Single(await Stores.Events.GetDecidedSinceAsync("car-1", T0 + 5, CancellationToken.None));
        Assert.Empty(await Stores.Events.GetDecidedSinceAsync("car-1", T0 + 6, CancellationToken.None));

        Assert.True(await Commit(State("car-1", 1, T0), withdrawals: [e.Key]));
        Assert.Empty(await Stores.Events.GetDecidedSinceAsync("car-1", 0, CancellationToken.None));
        Assert.Empty((await Stores.Events.QueryAsync(new EventQuery("car-1", [], 0, long.MaxValue, 10, null), CancellationToken.None)).Events);
        Assert.True(Assert.Single((await Stores.Events.QueryAsync(new EventQuery("car-1", [], 0, long.MaxValue, 10, null, IncludeWithdrawn: true), CancellationToken.None)).Events).Withdrawn);

        Assert.True(await Commit(State("car-1", 2, T0), [e]));
        Assert.False((await Stores.Events.GetAsync(e.Key, CancellationToken.None))!.Withdrawn);
    }

    [StoreFact]
    public async Task Query_PagesNewestFirst_ByCarTypeAndTime_WithoutLossOrRepeat()
    {
        EventType[] types = [EventType.Overspeed, EventType.GeofenceExit, EventType.IgnitionOn];
        List<FleetEvent> written = [];
        foreach (string car in new[] { "car-1", "car-2" })
        {
            // Two events start at the same instant (different zones): the cursor must tell them apart.
            written.AddRange(Enumerable.Range(0, 23).Select(i => Event(car, types[i % 3], T0 + ((i / 2) * 1000), i % 2 == 0 ? "a" : "b")));
        }

        Assert.True(await Commit(State("car-1", 0, T0), written.Where(e => e.CarId == "car-1").ToArray()));
        Assert.True(await Commit(State("car-2", 0, T0), written.Where(e => e.CarId == "car-2").ToArray()));

        List<FleetEvent> fleet = await ReadAllAsync(new EventQuery(null, [], long.MinValue, long.MaxValue, 7, null));
        Assert.Equal(written.Count, fleet.Count);
        Assert.Equal(written.Count, fleet.Select(e => e.Key).Distinct().Count());
        Assert.Equal(fleet.OrderByDescending(e => e.EpisodeStartMs).Select(e => e.EpisodeStartMs), fleet.Select(e => e.EpisodeStartMs));

        List<FleetEvent> filtered = await ReadAllAsync(new EventQuery("car-2", [EventType.Overspeed, EventType.IgnitionOn], T0 + 2000, T0 + 9000, 3, null));
        Assert.Equal(
            written.Where(e => e.CarId == "car-2" && e.Type != EventType.GeofenceExit && e.EpisodeStartMs >= T0 + 2000 && e.EpisodeStartMs < T0 + 9000).Select(e => e.Key.Id).Order(StringComparer.Ordinal),
            filtered.Select(e => e.Key.Id).Order(StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task Query_WithAnotherQuerysCursor_IsRefused()
    {
        Assert.True(await Commit(State("car-1", 0, T0), Enumerable.Range(0, 5).Select(i => Event("car-1", EventType.Moving, T0 + i)).ToArray()));
        EventPage page = await Stores.Events.QueryAsync(new EventQuery("car-1", [], 0, long.MaxValue, 2, null), CancellationToken.None);
        Assert.NotNull(page.NextCursor);
        await Assert.ThrowsAsync<ArgumentException>(() => Stores.Events.QueryAsync(new EventQuery("car-2", [], 0, long.MaxValue, 2, page.NextCursor), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Stores.Events.QueryAsync(new EventQuery("car-1", [], 0, long.MaxValue, 2, "garbage!"), CancellationToken.None));
    }

    [StoreFact]
    public async Task Acknowledge_TheFirstStands_AndAnUnknownEventIsNone()
    {
        FleetEvent e = Event("car-1", EventType.Towing, T0);
        Assert.True(await Commit(State("car-1", 0, T0), [e]));
        Assert.Equal("op-1", (await Stores.Events.AcknowledgeAsync(e.Key, "op-1", T0 + 1, CancellationToken.None))!.AcknowledgedBy);
        Assert.Equal("op-1", (await Stores.Events.AcknowledgeAsync(e.Key, "op-2", T0 + 2, CancellationToken.None))!.AcknowledgedBy);
        Assert.Null(await Stores.Events.AcknowledgeAsync(Event("car-1", EventType.Towing, T0 + 1).Key, "op-1", T0, CancellationToken.None));
    }

    [StoreFact]
    public async Task Statuses_AreKeptOncePerInstant_AndReadFromATime()
    {
        StoredStatus status = new() { CarId = "car-1", Ts = T0, ReceivedMs = T0 + 800, Ignition = IgnitionState.Off, SupplyMv = 12_400 };
        Assert.True(await Stores.Statuses.AppendStatusAsync(status, CancellationToken.None));
        Assert.False(await Stores.Statuses.AppendStatusAsync(status, CancellationToken.None));
        StoredStatus will = new() { CarId = "car-1", Ts = T0 + 5000, ReceivedMs = T0 + 5000, Online = false };
        Assert.True(await Stores.Statuses.AppendStatusAsync(will, CancellationToken.None));

        Assert.Equal([status, will], await Stores.Statuses.ReadStatusesFromAsync("car-1", T0, CancellationToken.None));
        Assert.Equal([will], await Stores.Statuses.ReadStatusesFromAsync("car-1", T0 + 1, CancellationToken.None));
        Assert.Empty(await Stores.Statuses.ReadStatusesFromAsync("car-2", 0, CancellationToken.None));
    }

    [StoreFact]
    public async Task Zones_ArePutReplacedListedAndDeleted_AndAMalformedOneIsRefused()
    {
        Zone circle = new() { Id = "depot", Name = "Depot", Center = new GeoPoint(481_351_000, 115_820_000), RadiusM = 150, IsReturnZone = true };
        Zone polygon = new() { Id = "yard", Name = "Yard", Vertices = [new(481_350_000, 115_820_000), new(481_360_000, 115_820_000), new(481_360_000, 115_830_000)] };
        await Stores.Zones.PutZoneAsync(circle, CancellationToken.None);
        await Stores.Zones.PutZoneAsync(polygon, CancellationToken.None);
        await Stores.Zones.PutZoneAsync(circle with { RadiusM = 250 }, CancellationToken.None);

        IReadOnlyList<Zone> zones = await Stores.Zones.ListZonesAsync(CancellationToken.None);
        Assert.Equal(["depot", "yard"], zones.Select(z => z.Id));
        Assert.Equal(250, zones[0].RadiusM);
        Assert.True(zones[0].IsReturnZone);
        Assert.Equal(polygon.Vertices, zones[1].Vertices);

        Assert.True(await Stores.Zones.DeleteZoneAsync("depot", CancellationToken.None));
        Assert.False(await Stores.Zones.DeleteZoneAsync("depot", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Stores.Zones.PutZoneAsync(circle with { RadiusM = 1 }, CancellationToken.None));
        Assert.Single(await Stores.Zones.ListZonesAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task DeriveService_OverTheStore_RevisesAJumpOverADeadZoneWithTheBacklog_AndSurvivesARestart()
    {
        // A depot of 200 m around the start; the car drives east at 5 m/s from inside it, leaving it at 40 s, and is in a
        // dead zone from 30 s to 300 s; after the reconnect its newest fix comes first, then the backlog.
        await Stores.Zones.PutZoneAsync(new Zone { Id = "depot", Name = "Depot", Center = new GeoPoint(481_351_000, 115_820_000), RadiusM = 200 }, CancellationToken.None);
        DeriveService service = NewService();
        StoredFix At(int s, int receivedS) => new("car-1", T0 + (s * 1000), 481_351_000, 115_820_000 + (int)Math.Round(((s * 5) + 2) / (111_195.08 * Math.Cos(48.1351 * Math.PI / 180)) * 1e7),
            null, 18_000, null, 90, 9, 3, 1, false, true, T0 + (receivedS * 1000));

        async Task Deliver(DeriveService to, params StoredFix[] fixes)
        {
            await Stores.Fixes.AppendAsync("car-1", fixes, CancellationToken.None);
            await to.DeriveAsync("car-1", fixes.Select(Observation.Of).ToList(), CancellationToken.None);
        }

        foreach (int s in Enumerable.Range(0, 30))
        {
            await Deliver(service, At(s, s + 1));
        }

        await Deliver(service, At(300, 301));
        FleetEvent jumped = Assert.Single(await ListAsync());
        Assert.True(jumped.Pending);

        DeriveService restarted = NewService();
        await Deliver(restarted, Enumerable.Range(30, 270).Select(s => At(s, 302)).ToArray());
        FleetEvent exit = Assert.Single(await ListAsync());
        Assert.Equal((EventType.GeofenceExit, T0 + 40_000, true, false), (exit.Type, exit.EpisodeStartMs, exit.Late, exit.Pending));
        Assert.True((await Stores.Events.GetAsync(jumped.Key, CancellationToken.None))!.Withdrawn);
    }

    [StoreFact]
    public async Task CarOdometers_ReadTheOdometerAtTheNewestDerivedFix_ReadOnly_AndNoneForAnUnknownCar()
    {
        // 60 s east at 5 m/s, one batch: the trip in progress counts once it is beyond parked jitter.
        DeriveService service = NewService();
        StoredFix[] fixes = [.. Enumerable.Range(0, 61).Select(s => new StoredFix("car-1", T0 + (s * 1000), 481_351_000, 115_820_000 + (int)Math.Round(s * 5 / (111_195.08 * Math.Cos(48.1351 * Math.PI / 180)) * 1e7),
            null, 18_000, null, 90, 9, 3, 1, false, true, T0 + (s * 1000) + 500))];
        await Stores.Fixes.AppendAsync("car-1", fixes, CancellationToken.None);
        await service.DeriveAsync("car-1", fixes.Select(Observation.Of).ToList(), CancellationToken.None);

        ICarOdometers odometers = Assert.IsAssignableFrom<ICarOdometers>(Stores.States);
        CarOdometer odometer = (await odometers.GetOdometerAsync("car-1", CancellationToken.None))!;
        Assert.Equal(T0 + 60_000, odometer.Ts);
        Assert.InRange(odometer.ValueM, 295, 305);
        Assert.Equal(odometer.ValueM, (await Stores.States.GetAsync("car-1", CancellationToken.None))!.States.Track.Last!.OdometerM);
        Assert.Null(await odometers.GetOdometerAsync("car-9", CancellationToken.None));
    }

    private DeriveService NewService() => new(
        new CarDeriver(DeriveOptions.Default),
        Stores.States,
        Stores.Events,
        new StoredObservations(Stores.Fixes, Stores.Statuses),
        new StoredContexts(Stores.Zones, Stores.Rentals, SpeedLimits.None));

    private async Task<List<FleetEvent>> ListAsync() =>
        await ReadAllAsync(new EventQuery("car-1", [], long.MinValue, long.MaxValue, 100, null));

    private async Task<List<FleetEvent>> ReadAllAsync(EventQuery query)
    {
        List<FleetEvent> all = [];
        string? cursor = null;
        int pages = 0;
        do
        {
            EventPage page = await Stores.Events.QueryAsync(query with { Cursor = cursor }, CancellationToken.None);
            Assert.True(page.Events.Count <= query.Limit);
            Assert.True(page.NextCursor is null || page.Events.Count == query.Limit);
            all.AddRange(page.Events.Select(e => e.Event));
            cursor = page.NextCursor;
            Assert.True(++pages < 1000);
        }
        while (cursor is not null);

        return all;
    }
}

/// <summary>The Derive ports of one adapter.</summary>
/// <param name="States">Car states and commits.</param>
/// <param name="Events">Event reads.</param>
/// <param name="Statuses">Statuses.</param>
/// <param name="Zones">Zones.</param>
/// <param name="Fixes">The fix store of the same adapter (what ingest writes and a rewind reads).</param>
/// <param name="Rentals">The rental store of the same adapter.</param>
public sealed record DeriveStores(IDerivationStore States, IEventStore Events, IStatusStore Statuses, IZoneStore Zones, IFixStore Fixes, IRentalStore Rentals);
