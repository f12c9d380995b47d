using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The SQLite Derive store commits a step's trips and stops in the state's own transaction (one write a step, not two),
/// and its reads and commits run on kept connections whose statements stay prepared: a failure drops its connection
/// and leaves the store working, and a kept connection sees what others committed since its last use.
/// </summary>
public sealed class SqliteDeriveCommitTests : IDisposable
{
    private const string Car = "car-0042";
    private static readonly long T0 = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) - 7_200) * 1000;
    private readonly TempFolder _folder = new("tracker-derive-commit-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task AStepsTripsAndStops_AreCommittedWithItsState_AndAStepThatLosesTheVersionCheckWritesNone()
    {
        (SqliteStore fixes, SqliteDeriveStore states, SqliteTripStore trips) = await OpenAsync();
        Assert.True(states.CanCommit(trips));

        CarDerivation winner = CarDerivation.New(Car);
        Assert.True(await states.TryCommitAsync(winner, [], [], trips, new TripWrites(long.MaxValue, [Trip(T0, T0 + 1_000)], [Stop(T0 + 900, T0 + 1_000)]), CancellationToken.None));
        Assert.Equal(1, winner.Version);

        // A stale step read no state: its rows, and its deletion of everything decided since 0, must not land.
        CarDerivation stale = CarDerivation.New(Car);
        Assert.False(await states.TryCommitAsync(stale, [], [], trips, new TripWrites(0, [Trip(T0 + 5_000, T0 + 6_000)], []), CancellationToken.None));

        Assert.Equal([T0], (await TripsAsync(trips)).Select(t => t.StartTs));
        Assert.Single(await StopsAsync(trips));
        Assert.Equal(1, (await states.GetAsync(Car, CancellationToken.None))!.Version);

        // A trip store on another file cannot ride on this one's transaction.
        SqliteStore other = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("other.db") }, CancellationToken.None);
        SqliteTripStore elsewhere = await SqliteTripStore.OpenAsync(other, CancellationToken.None);
        Assert.False(states.CanCommit(elsewhere));
        await Assert.ThrowsAsync<ArgumentException>(() => states.TryCommitAsync(winner, [], [], elsewhere, null, CancellationToken.None));
        GC.KeepAlive(fixes);
    }

    [Fact]
    public async Task ACommitThatFails_FailsAlone_AndTheStoreGoesOnReadingAndCommitting()
    {
        (SqliteStore fixes, SqliteDeriveStore states, SqliteTripStore trips) = await OpenAsync();
        Assert.True(await states.TryCommitAsync(CarDerivation.New("car-good"), [], [], CancellationToken.None));
        await ExecuteAsync("CREATE TRIGGER poison BEFORE INSERT ON derive_state WHEN NEW.car_id = 'car-bad' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");

        // Every kept connection has the commit's statements prepared by now, or prepares them: the failure drops its own.
        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<SqliteException>(() => states.TryCommitAsync(CarDerivation.New("car-bad"), [], [], trips, new TripWrites(long.MaxValue, [Trip(T0, T0 + 1_000)], []), CancellationToken.None));
        }

        Assert.Empty(await TripsAsync(trips));
        Assert.Null(await states.GetAsync("car-bad", CancellationToken.None));
        CarDerivation good = (await states.GetAsync("car-good", CancellationToken.None))!;
        Assert.True(await states.TryCommitAsync(good, [], [], trips, new TripWrites(long.MaxValue, [Trip(T0, T0 + 1_000, "car-good")], []), CancellationToken.None));
        Assert.Equal(2, (await states.GetAsync("car-good", CancellationToken.None))!.Version);
        Assert.Equal(["car-good"], await states.ListCarsAsync(CancellationToken.None));
        GC.KeepAlive(fixes);
    }

    [Fact]
    public async Task AKeptConnection_ReadsWhatAnotherConnectionCommittedSinceItsLastRead()
    {
        // A renter's rentals and the feed: reads not kept in memory (a car's rentals and the zones are, for at most a second
        // after a write from outside: SqliteReadCacheTests).
        (SqliteStore fixes, SqliteDeriveStore states, _) = await OpenAsync();
        Assert.Empty(await fixes.GetForRenterAsync("alice", CancellationToken.None));
        Assert.Null(await fixes.PeekAsync(Car, CancellationToken.None));

        // Written from outside the store (another connection): the same prepared reads, run again, see it.
        await ExecuteAsync($"INSERT INTO rentals (car_id, renter, from_ms, to_ms) VALUES ('{Car}', 'alice', 1, 2);");
        await ExecuteAsync($"INSERT INTO fix_feed (car_id, from_ts, to_ts) VALUES ('{Car}', {T0}, {T0 + 5});");

        Assert.Equal(Car, Assert.Single(await fixes.GetForRenterAsync("alice", CancellationToken.None)).CarId);
        Assert.Equal((T0, T0 + 5, 1), (await fixes.PeekAsync(Car, CancellationToken.None)) is { } span ? (span.FromTs, span.ToTs, span.Entries) : default);
        GC.KeepAlive(states);
    }

    [Fact]
    public async Task ReadsAtOnce_EachGetTheirOwnAnswer()
    {
        (SqliteStore fixes, _, _) = await OpenAsync();
        string[] cars = [.. Enumerable.Range(0, 40).Select(i => $"car-{i:0000}")];
        foreach (string car in cars)
        {
            await fixes.PutAsync(new Rental(car, "renter-" + car, 1, 2), CancellationToken.None);
        }

        // More readers at once than connections are kept: every read gets its own car's rental.
        IReadOnlyList<Rental>[] found = await Task.WhenAll(cars.SelectMany(c => new[] { c, c, c }).Select(c => Task.Run(() => fixes.GetForCarAsync(c, CancellationToken.None))));

        Assert.Equal(cars.SelectMany(c => new[] { c, c, c }), found.Select(r => Assert.Single(r).CarId));
        Assert.All(found, r => Assert.Equal("renter-" + r[0].CarId, r[0].Renter));
    }

    private async Task<(SqliteStore Fixes, SqliteDeriveStore States, SqliteTripStore Trips)> OpenAsync()
    {
        SqliteStore fixes = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        return (fixes, await SqliteDeriveStore.OpenAsync(fixes, CancellationToken.None), await SqliteTripStore.OpenAsync(fixes, CancellationToken.None));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_folder.Combine("store.db")}");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<IReadOnlyList<Trip>> TripsAsync(SqliteTripStore trips, string car = Car) =>
        (await trips.QueryTripsAsync(new SpanQuery(car, 0, long.MaxValue, 1000, null), CancellationToken.None)).Items;

    private static async Task<IReadOnlyList<Stop>> StopsAsync(SqliteTripStore trips, string car = Car) =>
        (await trips.QueryStopsAsync(new SpanQuery(car, 0, long.MaxValue, 1000, null), CancellationToken.None)).Items;

    private static Trip Trip(long start, long end, string car = Car) => new()
    {
        CarId = car,
        StartTs = start,
        EndTs = end,
        DistanceM = 1_000,
        MaxSpeedMmps = 20_000,
        DecidedTs = end,
    };

    private static Stop Stop(long start, long? end) => new() { CarId = Car, StartTs = start, EndTs = end, DecidedTs = end ?? start };
}
