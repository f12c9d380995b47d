using Microsoft.Data.Sqlite;
using Parquet;
using Parquet.Schema;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// The trips and stops tables of the archive, exported from the real SQLite trips store: a part per day with the trips
/// that start on it, their values and rental; a trip revised (or first written) after its day was archived re-exports
/// that day, and only that day; a corrupt stored trip fails its day with an error naming it, and nothing is written
/// with an invented value.
/// </summary>
public sealed class TripArchiveExporterTests
{
    private static readonly DateOnly Day1 = new(2025, 6, 9);
    private static readonly DateOnly Day2 = new(2025, 6, 10);
    private static readonly long Day1Start = ArchiveExporter.DayRange(Day1).FromMs;
    private static readonly long Day2Start = ArchiveExporter.DayRange(Day2).FromMs;
    private static readonly ManualClock Clock = new(new DateTimeOffset(2025, 6, 11, 0, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task Export_WritesAPartPerDay_WithTheTripsStartingThatDay_TheirValuesAndRental()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        IReadOnlyList<TripDayExport> days = await fleet.Exporter(sinks).ExportAsync([Day1, Day2], CancellationToken.None);

        Assert.Equal([("2025-06-09", 2, 2, TripDayOutcome.Written), ("2025-06-10", 2, 1, TripDayOutcome.Written)], days.Select(d => (d.Day, d.Trips, d.Stops, d.Outcome)));
        Table day1 = await Table.ReadAsync(sinks.Trips.Objects["dt=2025-06-09/part-00000.parquet"]);
        Assert.Equal(TripArchiveSchema.TripColumns.Select(c => c.Name), day1.Names);

        // Sorted by car then start; the trip across midnight is a row of the day it starts on.
        Assert.Equal<object?>(["car-a", "car-b"], await day1.Strings("car_id"));
        Assert.Equal(new[] { new DateTime(2025, 6, 9, 8, 0, 0, DateTimeKind.Utc), new DateTime(2025, 6, 9, 23, 50, 0, DateTimeKind.Utc) }, await day1.Values<DateTime>("start_ts"));
        Assert.Equal(new DateTime(2025, 6, 10, 0, 20, 0, DateTimeKind.Utc), (await day1.Values<DateTime>("end_ts"))[1]);
        Assert.Equal(new[] { 12_345.6, 30_000.0 }, await day1.Values<double>("distance_m"));
        Assert.Equal(new[] { 0.0, 1_500.0 }, await day1.Values<double>("estimated_m"));
        Assert.Equal(new[] { 1_800L, 1_800 }, await day1.Values<long>("duration_s"));
        Assert.Equal(new[] { 90.0, 108.0 }, await day1.Values<double>("max_speed_kmh"));
        Assert.Equal(new[] { Math.Round(12_345.6 / 1800 * 3.6, 2), 60.0 }, await day1.Values<double>("avg_speed_kmh"));
        Assert.Equal(new[] { 52.5, 48.1 }, await day1.Values<double>("start_lat"));
        Assert.Equal(new[] { 1_000.5, 0.0 }, await day1.Values<double>("start_odometer_m"));
        Assert.Equal<object?>(["car-a/renter-1/" + (Day1Start + 3_600_000), null], await day1.Strings("rental_id"));
        Assert.Equal<object?>(["renter-1", null], await day1.Strings("renter"));

        Table stops = await Table.ReadAsync(sinks.Stops.Objects["dt=2025-06-10/part-00000.parquet"]);
        Assert.Equal(TripArchiveSchema.StopColumns.Select(c => c.Name), stops.Names);
        Assert.Equal(new[] { (DateTime?)null }, await stops.Nullables<DateTime>("end_ts"));
        Assert.Equal(new[] { 120L }, await stops.Values<long>("idle_s"));

        ArchiveManifest manifest = ArchiveManifest.Parse(sinks.Trips.Objects["dt=2025-06-09/_manifest.json"]);
        Assert.Equal((TripArchiveSchema.Version, 2L, 1), (manifest.SchemaVersion, manifest.Rows, manifest.Files.Count));
        Assert.Equal(64, manifest.ContentSha256!.Length);
        Assert.Equal("put dt=2025-06-09/_manifest.json", sinks.Trips.Operations.Last(o => o.Contains("2025-06-09", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_ReadsOneDayAtATime_AndEachCarsRentalsOnce_WritingTheSameBytes()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        var trips = new RecordingTrips(fleet.Trips);
        var rentals = new CountingRentals(fleet.Store.Store);
        var exporter = new TripArchiveExporter(fleet.Store.Store, trips, rentals, sinks.Trips, sinks.Stops, new ArchiveOptions { TripReadAhead = 3 }, Clock);
        var reference = new Sinks();
        await fleet.Exporter(reference).ExportAsync([Day1, Day2], CancellationToken.None);

        await exporter.ExportAsync([Day1, Day2], CancellationToken.None);

        // Every query spans one UTC day (the day being exported), and every one of day 1 comes before day 2's.
        Assert.All(trips.Spans, s => Assert.Equal(86_400_000L, s.ToMs - s.FromMs));
        Assert.Equal([Day1Start, Day2Start], trips.Spans.Select(s => s.FromMs).Distinct());
        Assert.True(trips.Spans.TakeWhile(s => s.FromMs == Day1Start).Count() == trips.Spans.Count(s => s.FromMs == Day1Start));
        Assert.Equal(1, rentals.Reads("car-a"));
        Assert.Equal(1, rentals.Reads("car-b"));

        // The same bytes as ever: the day's content alone decides them.
        Assert.Equal(reference.Trips.Objects.Keys.Order(), sinks.Trips.Objects.Keys.Order());
        foreach (string key in reference.Trips.Objects.Keys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            Assert.Equal(reference.Trips.Objects[key], sinks.Trips.Objects[key]);
        }
    }

    [Fact]
    public async Task ARevisedTrip_ReExportsItsDayOnly_WithoutDuplicating_AndAnUnchangedRunWritesNothing()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        TripArchiveExporter exporter = fleet.Exporter(sinks);
        await exporter.ExportAsync([Day1, Day2], CancellationToken.None);
        byte[] day2Before = sinks.Trips.Objects["dt=2025-06-10/part-00000.parquet"];

        // The next night, nothing changed: one GET per day and table, no write.
        sinks.ClearOperations();
        IReadOnlyList<TripDayExport> again = await exporter.ExportAsync([Day1, Day2], CancellationToken.None);
        Assert.All(again, d => Assert.Equal(TripDayOutcome.Unchanged, d.Outcome));
        Assert.All(sinks.Trips.Operations.Concat(sinks.Stops.Operations), o => Assert.StartsWith("get ", o, StringComparison.Ordinal));

        // A late backlog revises car-a's morning trip of day 1 (its bridged distance becomes measured): Derive upserts it
        // on (car, start).
        Trip revised = Fleet.MorningTrip with { DistanceM = 12_400, EstimatedM = 0, DecidedTs = Fleet.MorningTrip.DecidedTs + 60_000 };
        await fleet.Trips.ApplyAsync("car-a", long.MaxValue, [revised], [], CancellationToken.None);
        sinks.ClearOperations();
        IReadOnlyList<TripDayExport> third = await exporter.ExportAsync([Day1, Day2], CancellationToken.None);

        Assert.Equal([TripDayOutcome.Written, TripDayOutcome.Unchanged], third.Select(d => d.Outcome));
        Table day1 = await Table.ReadAsync(sinks.Trips.Objects["dt=2025-06-09/part-00000.parquet"]);
        Assert.Equal(new[] { 12_400.0, 30_000.0 }, await day1.Values<double>("distance_m"));
        Assert.Equal(2, day1.Rows);
        Assert.Equal(day2Before, sinks.Trips.Objects["dt=2025-06-10/part-00000.parquet"]);
        Assert.DoesNotContain(sinks.Trips.Operations, o => o.StartsWith("put dt=2025-06-10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATripFirstWrittenDaysLate_ByACarBackFromADeadZone_IsArchivedByTheNightlyWindow()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        TripArchiveExporter exporter = fleet.Exporter(sinks);
        IReadOnlyList<DateOnly> window = exporter.Window(Day2);

        // 30 days back, clipped to the 29 the store still holds at 00:30 of the next day (retention 30 days).
        Assert.Equal(29, window.Count);
        Assert.Equal((Day2.AddDays(-28), Day2), (window[0], window[^1]));
        await exporter.ExportAsync(window, CancellationToken.None);
        Assert.False(sinks.Trips.Objects.ContainsKey("dt=2025-06-01/part-00000.parquet"));
        Assert.True(sinks.Trips.Objects.ContainsKey("dt=2025-06-01/_manifest.json"));

        Trip late = Fleet.MorningTrip with { CarId = "car-b", StartTs = Day2Start - (9 * 86_400_000L), EndTs = Day2Start - (9 * 86_400_000L) + 600_000 };
        await fleet.Trips.ApplyAsync("car-b", long.MaxValue, [late], [], CancellationToken.None);
        IReadOnlyList<TripDayExport> next = await exporter.ExportAsync(window, CancellationToken.None);

        Assert.Equal([DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(late.StartTs)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)], next.Where(d => d.Outcome == TripDayOutcome.Written).Select(d => d.Day));
        Table day = await Table.ReadAsync(sinks.Trips.Objects["dt=2025-06-01/part-00000.parquet"]);
        Assert.Equal<object?>(["car-b"], await day.Strings("car_id"));
    }

    [Fact]
    public async Task ACorruptStoredTrip_FailsItsDayNamingIt_LeavesThatDaysArchive_AndTheOtherDaysAreExported()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        TripArchiveExporter exporter = fleet.Exporter(sinks);
        await exporter.ExportAsync([Day1], CancellationToken.None);
        byte[] before = sinks.Trips.Objects["dt=2025-06-09/part-00000.parquet"];

        // A row damaged in storage: its start is off the globe.
        await using (var connection = new SqliteConnection("Data Source=" + fleet.Store.Path))
        {
            await connection.OpenAsync();
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "UPDATE trips SET body = json_set(body, '$.startLatE7', 2000000000) WHERE car_id = 'car-b' AND start_ts < " + Day2Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        sinks.ClearOperations();
        TripArchiveException e = await Assert.ThrowsAsync<TripArchiveException>(() => exporter.ExportAsync([Day1, Day2], CancellationToken.None));

        Assert.Contains("2025-06-09", e.Message, StringComparison.Ordinal);
        Assert.Contains("car 'car-b', trip starting 2025-06-09T23:50:00Z", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2000000000, ", e.Message, StringComparison.Ordinal);
        Assert.Equal([TripDayOutcome.Failed, TripDayOutcome.Written], e.Days.Select(d => d.Outcome));
        Assert.Equal(before, sinks.Trips.Objects["dt=2025-06-09/part-00000.parquet"]);
        Assert.True(sinks.Trips.Objects.ContainsKey("dt=2025-06-09/_manifest.json"));
        Assert.DoesNotContain(sinks.Trips.Operations.Concat(sinks.Stops.Operations), o => o.Contains("2025-06-09", StringComparison.Ordinal));
        Assert.True(sinks.Trips.Objects.ContainsKey("dt=2025-06-10/part-00000.parquet"));
    }

    [Theory]
    [InlineData("nan", "distance_m is NaN")]
    [InlineData("infinite", "distance_m is Infinity")]
    [InlineData("negative", "distance_m is -1")]
    [InlineData("estimated", "estimated_m is 20 of a distance of 10")]
    [InlineData("backwards", "ends (")]
    [InlineData("speed", "maximum speed is -5 mm/s")]
    [InlineData("fixes", "it has 0 fixes")]
    [InlineData("odometer", "start_odometer_m is NaN")]
    [InlineData("lon", "end position (0, 1900000000)")]
    public void TripProblem_NamesTheImpossibleValue(string damage, string expected)
    {
        Trip good = Fleet.MorningTrip;
        Assert.Null(TripArchiveExporter.TripProblem(good));
        Trip bad = damage switch
        {
            "nan" => good with { DistanceM = double.NaN },
            "infinite" => good with { DistanceM = double.PositiveInfinity },
            "negative" => good with { DistanceM = -1, EstimatedM = 0 },
            "estimated" => good with { DistanceM = 10, EstimatedM = 20 },
            "backwards" => good with { EndTs = good.StartTs - 1 },
            "speed" => good with { MaxSpeedMmps = -5 },
            "fixes" => good with { Fixes = 0 },
            "odometer" => good with { StartOdometerM = double.NaN },
            _ => good with { EndLatE7 = 0, EndLonE7 = 1_900_000_000 },
        };
        Assert.Contains(expected, TripArchiveExporter.TripProblem(bad), StringComparison.Ordinal);
    }

    [Fact]
    public void StopProblem_NamesTheImpossibleValue()
    {
        Assert.Null(TripArchiveExporter.StopProblem(Fleet.MorningStop));
        Assert.Contains("idle time is -1 ms", TripArchiveExporter.StopProblem(Fleet.MorningStop with { IdleMs = -1 }), StringComparison.Ordinal);
        Assert.Contains("ends (", TripArchiveExporter.StopProblem(Fleet.MorningStop with { EndTs = Fleet.MorningStop.StartTs - 1 }), StringComparison.Ordinal);
        Assert.Contains("off the globe", TripArchiveExporter.StopProblem(Fleet.MorningStop with { LatE7 = -900_000_001 }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_RefusesADayNotOverOrPastTheStoresRetention_BeforeReadingAnything()
    {
        await using Fleet fleet = await Fleet.OpenAsync();
        var sinks = new Sinks();
        TripArchiveExporter exporter = fleet.Exporter(sinks);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => exporter.ExportAsync([Day2.AddDays(1)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => exporter.ExportAsync([Day2.AddDays(-30)], CancellationToken.None));
        Assert.Empty(sinks.Trips.Operations);
    }

    /// <summary>The trips store, recording the span of each query in order.</summary>
    private sealed class RecordingTrips(ITripStore inner) : ITripStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(long FromMs, long ToMs)> _spans = new();

        public IReadOnlyList<(long FromMs, long ToMs)> Spans => [.. _spans];

        public Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken) =>
            inner.ApplyAsync(carId, decidedFrom, trips, stops, cancellationToken);

        public Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken)
        {
            _spans.Enqueue((query.FromMs, query.ToMs));
            return inner.QueryTripsAsync(query, cancellationToken);
        }

        public Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken)
        {
            _spans.Enqueue((query.FromMs, query.ToMs));
            return inner.QueryStopsAsync(query, cancellationToken);
        }

        public Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken) =>
            inner.SumTripsAsync(carId, fromMs, toMs, cancellationToken);
    }

    /// <summary>The rentals, counting the reads per car.</summary>
    private sealed class CountingRentals(IRentalStore inner) : IRentalStore
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

        public int Reads(string car) => _reads.GetValueOrDefault(car);

        public Task PutAsync(Rental rental, CancellationToken cancellationToken) => inner.PutAsync(rental, cancellationToken);

        public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) => inner.GetForRenterAsync(renter, cancellationToken);

        public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken)
        {
            _reads.AddOrUpdate(carId, 1, (_, n) => n + 1);
            return inner.GetForCarAsync(carId, cancellationToken);
        }
    }

    private sealed class Sinks
    {
        public MemorySink Trips { get; } = new();

        public MemorySink Stops { get; } = new();

        public void ClearOperations()
        {
            Trips.Operations.Clear();
            Stops.Operations.Clear();
        }
    }

    /// <summary>Two cars with fixes (so the fleet lists them), trips and stops on two days, a rental of car-a.</summary>
    private sealed class Fleet : IAsyncDisposable
    {
        public static readonly Trip MorningTrip = new()
        {
            CarId = "car-a",
            StartTs = Day1Start + (8 * 3_600_000),
            EndTs = Day1Start + (8 * 3_600_000) + 1_800_000,
            StartLatE7 = 525_000_000,
            StartLonE7 = 134_000_000,
            EndLatE7 = 526_000_000,
            EndLonE7 = 134_500_000,
            DistanceM = 12_345.6,
            EstimatedM = 0,
            MaxSpeedMmps = 25_000,
            Fixes = 180,
            StartOdometerM = 1_000.5,
            DecidedTs = Day1Start + (8 * 3_600_000) + 1_920_000,
        };

        public static readonly Stop MorningStop = new()
        {
            CarId = "car-a",
            StartTs = MorningTrip.EndTs,
            EndTs = Day2Start + (7 * 3_600_000),
            LatE7 = 526_000_000,
            LonE7 = 134_500_000,
            IdleMs = 30_000,
            DecidedTs = MorningTrip.DecidedTs,
        };

        private Fleet(TempStore store, SqliteTripStore trips)
        {
            Store = store;
            Trips = trips;
        }

        public TempStore Store { get; }

        public SqliteTripStore Trips { get; }

        public static async Task<Fleet> OpenAsync()
        {
            TempStore store = await TempStore.OpenAsync(Clock);
            await store.AddAsync([Fix("car-a", Day2Start + 60_000)]);
            await store.AddAsync([Fix("car-b", Day2Start + 60_000)]);
            SqliteTripStore trips = await SqliteTripStore.OpenAsync(store.Store, CancellationToken.None);
            await store.Store.PutAsync(new Rental("car-a", "renter-1", Day1Start + 3_600_000, Day2Start), CancellationToken.None);

            Trip night = new()
            {
                CarId = "car-b",
                StartTs = Day1Start + (23 * 3_600_000) + (50 * 60_000),
                EndTs = Day2Start + (20 * 60_000),
                StartLatE7 = 481_000_000,
                StartLonE7 = 115_000_000,
                EndLatE7 = 483_000_000,
                EndLonE7 = 115_000_000,
                DistanceM = 30_000,
                EstimatedM = 1_500,
                MaxSpeedMmps = 30_000,
                Fixes = 200,
                StartOdometerM = 0,
                DecidedTs = Day2Start + (22 * 60_000),
            };
            Trip a2 = MorningTrip with { StartTs = Day2Start + (7 * 3_600_000), EndTs = Day2Start + (7 * 3_600_000) + 600_000, DistanceM = 5_000, StartOdometerM = 13_346, DecidedTs = Day2Start + (7 * 3_600_000) + 720_000 };
            Trip b2 = night with { StartTs = Day2Start + (9 * 3_600_000), EndTs = Day2Start + (9 * 3_600_000) + 900_000, EstimatedM = 0, DecidedTs = Day2Start + (9 * 3_600_000) + 1_000_000 };
            Stop stopA2 = MorningStop with { StartTs = a2.EndTs, EndTs = null, IdleMs = 120_000, DecidedTs = a2.DecidedTs };
            Stop stopB1 = MorningStop with { CarId = "car-b", StartTs = Day1Start + 3_600_000, EndTs = night.StartTs, IdleMs = 0, DecidedTs = night.StartTs };
            await trips.ApplyAsync("car-a", long.MaxValue, [MorningTrip, a2], [MorningStop, stopA2], CancellationToken.None);
            await trips.ApplyAsync("car-b", long.MaxValue, [night, b2], [stopB1], CancellationToken.None);
            return new Fleet(store, trips);
        }

        public TripArchiveExporter Exporter(Sinks sinks) =>
            new(Store.Store, Trips, Store.Store, sinks.Trips, sinks.Stops, new ArchiveOptions(), Clock);

        public ValueTask DisposeAsync() => Store.DisposeAsync();

        private static StoredFix Fix(string car, long ts) => new(car, ts, 525_000_000, 134_000_000, null, 0, null, 90, 9, 3, 1, false, false, ts + 500);
    }

    /// <summary>A Parquet file read back column by column.</summary>
    private sealed class Table
    {
        private readonly byte[] _file;

        private Table(byte[] file, IReadOnlyList<string> names, int rows)
        {
            _file = file;
            Names = names;
            Rows = rows;
        }

        public IReadOnlyList<string> Names { get; }

        public int Rows { get; }

        public static async Task<Table> ReadAsync(byte[] file)
        {
            using var stream = new MemoryStream(file);
            await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
            long rows = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                rows += group.RowCount;
            }

            return new Table(file, reader.Schema.DataFields.Select(f => f.Name).ToList(), (int)rows);
        }

        public Task<T[]> Values<T>(string name)
            where T : struct => ReadAsync<T>(name, (group, field, n) => Read<T>(group, field, n));

        public Task<T?[]> Nullables<T>(string name)
            where T : struct => ReadAsync<T?>(name, async (group, field, n) =>
            {
                var values = new T?[n];
                await group.ReadAsync<T>(field, values.AsMemory());
                return values;
            });

        public Task<string?[]> Strings(string name) => ReadAsync<string?>(name, async (group, field, n) =>
        {
            var values = new string?[n];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        });

        private static async Task<T[]> Read<T>(ParquetRowGroupReader group, DataField field, int n)
            where T : struct
        {
            var values = new T[n];
            await group.ReadAsync<T>(field, values.AsMemory());
            return values;
        }

        private async Task<T[]> ReadAsync<T>(string name, Func<ParquetRowGroupReader, DataField, int, Task<T[]>> read)
        {
            using var stream = new MemoryStream(_file);
            await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
            DataField field = reader.Schema.DataFields.Single(f => f.Name == name);
            var all = new List<T>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                all.AddRange(await read(group, field, (int)group.RowCount));
            }

            return all.ToArray();
        }
    }
}
