using System.Text.Json;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Archive.Tests.Servers;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// The six Athena queries, run as written (with their example dates) by DuckDB over an archive (fixes, trips and
/// stops) that the exporters wrote for a fleet built to have known answers: trips across midnight and in rentals,
/// idle time, three speeding events, three offline cars. DuckDB is not Athena, but the queries use only SQL both share;
/// this checks their logic on real Parquet files.
/// </summary>
public sealed class AnalyticsQueryTests : IClassFixture<AnalyticsQueryTests.Archive>
{
    private static readonly DateTimeOffset Start = new(2025, 6, 3, 8, 0, 0, TimeSpan.Zero);
    private readonly Archive _archive;

    public AnalyticsQueryTests(Archive archive) => _archive = archive;

    [FactNeeding(Part.DuckDb)]
    public async Task TripsPerCar_AddsUpTheTripsTable_ATripAcrossMidnightOnce()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("trips-per-car.sql");
        Assert.Equal(["car-speed", "car-trips"], rows.Select(r => r.Text("car_id")));
        JsonElement trips = rows[1];
        Assert.Equal(3, trips.Number("trips"));
        Assert.Equal(51.0, trips.Number("distance_km"));
        Assert.Equal(1.0, trips.Number("estimated_km"));
        Assert.Equal(1.5, trips.Number("driving_hours"));
        Assert.Equal(30.0, trips.Number("mean_trip_minutes"));
        Assert.Equal(36.0, trips.Number("top_speed_kmh"));
        Assert.Equal("2025-06-03 08:00:00", trips.Text("first_trip_started"));
        Assert.Equal("2025-06-04 00:05:00", trips.Text("last_trip_ended"));
        Assert.Equal(144.0, rows[0].Number("top_speed_kmh"));
    }

    [FactNeeding(Part.DuckDb)]
    public async Task DistancePerDay_IsTheTripsDistance_OnTheDayEachTripStarts()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("distance-per-day.sql");
        JsonElement trips = Assert.Single(rows, r => r.Text("car_id") == "car-trips");

        // The trip of 23:55 to 00:05 is the 3 June's, whole: 33 + 12 + 6 km.
        Assert.Equal("2025-06-03", trips.Text("dt"));
        Assert.Equal(3, trips.Number("trips"));
        Assert.Equal(51.0, trips.Number("distance_km"));
        Assert.Equal(1.0, trips.Number("estimated_km"));
        Assert.Equal(1.5, trips.Number("driving_hours"));
    }

    [FactNeeding(Part.DuckDb)]
    public async Task TripsPerRental_CountsTheTripsStartedInEachRental()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("trips-per-rental.sql");
        Assert.Equal([Archive.RentalTwo, Archive.RentalOne], rows.Select(r => r.Text("rental_id")));
        JsonElement one = rows[1];
        Assert.Equal(("car-trips", "renter-1"), (one.Text("car_id"), one.Text("renter")));
        Assert.Equal(2, one.Number("trips"));
        Assert.Equal(45.0, one.Number("distance_km"));
        Assert.Equal(1.0, one.Number("estimated_km"));
        Assert.Equal(1.33, one.Number("driving_hours"));
        Assert.Equal(1, rows[0].Number("trips"));
        Assert.Equal(3.0, rows[0].Number("distance_km"));
    }

    [FactNeeding(Part.DuckDb)]
    public async Task Utilisation_JoinsDrivingAndIdleTime_PerCarAndDay_WithIdleOnlyDays()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("utilisation.sql");
        Assert.Equal(
            [("car-idle", "2025-06-05"), ("car-speed", "2025-06-03"), ("car-trips", "2025-06-03"), ("car-trips", "2025-06-04")],
            rows.Select(r => (r.Text("car_id"), r.Text("day"))));
        JsonElement day = rows[2];
        Assert.Equal(3, day.Number("trips"));
        Assert.Equal(1.5, day.Number("driving_hours"));
        Assert.Equal(0.08, day.Number("idle_hours"));
        Assert.Equal(6.3, day.Number("utilisation_pct"));
        Assert.Equal((0.0, 0.03), (rows[3].Number("trips"), rows[3].Number("idle_hours")));
        Assert.Equal((0.0, 1.0, 0.0), (rows[0].Number("trips"), rows[0].Number("idle_hours"), rows[0].Number("utilisation_pct")));
    }

    [FactNeeding(Part.DuckDb)]
    public async Task SpeedingEvents_AreRunsOfThreeFixesOverTheLimit_EndedByAGap()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("speeding-events.sql");
        JsonElement[] events = rows.Where(r => r.Text("car_id") == "car-speed").ToArray();
        Assert.Equal([4.0, 3, 3], events.Select(e => e.Number("fixes")));
        Assert.Equal([126.0, 144, 144], events.Select(e => e.Number("top_speed_kmh")));
        Assert.Equal("2025-06-03 08:01:40", events[0].Text("started"));
        Assert.DoesNotContain(rows, r => r.Text("car_id") == "car-trips");
    }

    [FactNeeding(Part.DuckDb)]
    public async Task OfflineCars_AreTheCarsOfTheLast30DaysWithoutAFixOnTheReportDay()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("offline-cars.sql");
        Assert.Equal(["car-gone", "car-speed", "car-trips"], rows.Select(r => r.Text("car_id")));
        JsonElement gone = rows[0];
        Assert.Equal("2025-05-20 12:00:00", gone.Text("last_fix"));
        Assert.Equal(Math.Round((new DateTimeOffset(2025, 6, 11, 0, 0, 0, TimeSpan.Zero) - new DateTimeOffset(2025, 5, 20, 12, 0, 0, TimeSpan.Zero)).TotalHours, 1), gone.Number("hours_offline"));
        Assert.Equal(1, gone.Number("days_seen"));
        Assert.Equal(52.5, gone.Number("last_lat"));
    }

    /// <summary>The designed fleet, exported once per class into a temporary folder.</summary>
    public sealed class Archive : IAsyncLifetime
    {
        private readonly TempFolder _archive = new("tracker-analytics-");

        /// <summary>car-trips' rental of 3 June, 07:00 to 12:00.</summary>
        public static readonly string RentalOne = "car-trips/renter-1/" + new DateTimeOffset(2025, 6, 3, 7, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        /// <summary>car-speed's rental of 3 June, 07:30 to 09:00.</summary>
        public static readonly string RentalTwo = "car-speed/renter-2/" + new DateTimeOffset(2025, 6, 3, 7, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        public Task<IReadOnlyList<JsonElement>> RunAsync(string query) => DuckDbQueries.RunAsync(_archive.Path, query);

        public async Task InitializeAsync()
        {
            if (PartCatalog.Current.SkipReason([Part.DuckDb]) is not null)
            {
                return;
            }

            var fixes = new List<StoredFix>();
            fixes.AddRange(TripsCar());
            fixes.AddRange(SpeedingCar());
            fixes.Add(Fix("car-gone", new DateTimeOffset(2025, 5, 20, 12, 0, 0, TimeSpan.Zero), 525_000_000, 0, 0, false, 0));
            fixes.Add(Fix("car-online", new DateTimeOffset(2025, 6, 10, 6, 0, 0, TimeSpan.Zero), 525_000_000, 0, 0, false, 0));
            fixes.Add(Fix("car-idle", new DateTimeOffset(2025, 6, 10, 6, 0, 0, TimeSpan.Zero), 525_000_000, 0, 0, false, 0));
            var store = new ListFixStore(fixes);
            var clock = new ManualClock(new DateTimeOffset(2025, 6, 11, 0, 15, 0, TimeSpan.Zero));
            var exporter = new ArchiveExporter(store, new DirectoryArchiveSink(System.IO.Path.Combine(_archive.Path, "fixes")), new ArchiveOptions(), clock);
            DateOnly[] days = fixes.Select(f => DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(f.Ts))).Distinct().ToArray();
            foreach (DateOnly day in days)
            {
                await exporter.ExportDayAsync(day, CancellationToken.None);
            }

            var rentals = new ListRentalStore(
            [
                new Rental("car-trips", "renter-1", At(3, 7, 0), At(3, 12, 0)),
                new Rental("car-speed", "renter-2", At(3, 7, 30), At(3, 9, 0)),
            ]);
            var trips = new TripArchiveExporter(store, DesignedTrips(), rentals, new DirectoryArchiveSink(System.IO.Path.Combine(_archive.Path, "trips")), new DirectoryArchiveSink(System.IO.Path.Combine(_archive.Path, "stops")), new ArchiveOptions(), clock);
            await trips.ExportAsync([.. days, new DateOnly(2025, 6, 5)], CancellationToken.None);
        }

        private static long At(int day, int hour, int minute) => new DateTimeOffset(2025, 6, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        /// <summary>
        /// car-trips: 08:00-09:00 (33 km) and 09:20-09:40 (12 km, 1 km of it bridged) in rental one, 23:55-00:05 across
        /// midnight (6 km) after it; its stops between them idle 300 s and 0 s, and 120 s after the last. car-speed: 3 km at
        /// up to 144 km/h in rental two. car-idle: no trip, an hour's idling on 5 June.
        /// </summary>
        private static ListTripStore DesignedTrips()
        {
            Trip Trip(string car, long start, long end, double distance, double estimated, int maxSpeed) => new()
            {
                CarId = car,
                StartTs = start,
                EndTs = end,
                StartLatE7 = 523_000_000,
                StartLonE7 = 48_000_000,
                EndLatE7 = 523_100_000,
                EndLonE7 = 48_000_000,
                DistanceM = distance,
                EstimatedM = estimated,
                MaxSpeedMmps = maxSpeed,
                Fixes = 100,
                DecidedTs = end + 120_000,
            };
            Stop Stop(string car, long start, long? end, long idleMs) => new() { CarId = car, StartTs = start, EndTs = end, LatE7 = 523_100_000, LonE7 = 48_000_000, IdleMs = idleMs, DecidedTs = start + 120_000 };
            return new ListTripStore(
                [
                    Trip("car-trips", At(3, 8, 0), At(3, 9, 0), 33_000, 0, 10_000),
                    Trip("car-trips", At(3, 9, 20), At(3, 9, 40), 12_000, 1_000, 9_000),
                    Trip("car-trips", At(3, 23, 55), At(4, 0, 5), 6_000, 0, 8_000),
                    Trip("car-speed", At(3, 8, 0), At(3, 8, 5), 3_000, 0, 40_000),
                ],
                [
                    Stop("car-trips", At(3, 9, 0), At(3, 9, 20), 300_000),
                    Stop("car-trips", At(3, 9, 40), At(3, 23, 55), 0),
                    Stop("car-trips", At(4, 0, 5), null, 120_000),
                    Stop("car-idle", At(5, 6, 0), At(5, 8, 0), 3_600_000),
                ]);
        }

        public Task DisposeAsync()
        {
            _archive.Dispose();
            return Task.CompletedTask;
        }

        /// <summary>
        /// car-trips, every 10 s: moving 08:00-08:30, stopped 3 minutes, moving to 09:00 (one trip); stopped to
        /// 09:20; moving to 09:40; silent; moving 23:55 to 00:05 the next day. 10 m/s, 100 m north a moving step.
        /// </summary>
        private static List<StoredFix> TripsCar()
        {
            var fixes = new List<StoredFix>();
            int lat = 523_000_000;
            long odometer = 0;
            StoredFix? previous = null;
            void Segment(DateTimeOffset from, DateTimeOffset to, bool moving)
            {
                for (DateTimeOffset t = from; t < to; t = t.AddSeconds(10))
                {
                    if (moving && previous is not null)
                    {
                        lat += 8_993; // 100 m of latitude: 100 / 111,195 m a degree
                        odometer += 100;
                    }

                    StoredFix fix = Fix("car-trips", t, lat, 48_000_000, moving ? 10_000 : 0, moving, odometer);
                    fixes.Add(fix);
                    previous = fix;
                }
            }

            Segment(Start, Start.AddMinutes(30), moving: true);
            Segment(Start.AddMinutes(30), Start.AddMinutes(33), moving: false);
            Segment(Start.AddMinutes(33), Start.AddMinutes(60), moving: true);
            Segment(Start.AddMinutes(60), Start.AddMinutes(80), moving: false);
            Segment(Start.AddMinutes(80), Start.AddMinutes(100).AddSeconds(10), moving: true);
            Segment(new DateTimeOffset(2025, 6, 3, 23, 55, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 4, 0, 5, 10, TimeSpan.Zero), moving: true);
            return fixes;
        }

        /// <summary>car-speed, every 10 s from 08:00: speeds chosen so that exactly three runs qualify.</summary>
        private static List<StoredFix> SpeedingCar()
        {
            int?[] speeds = [30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
                35_000, 35_000, 35_000, 35_000, 20_000, 20_000, 36_000, 36_000, null, 40_000, 40_000, 40_000];
            var fixes = new List<StoredFix>();
            DateTimeOffset t = Start;
            foreach (int? speed in speeds)
            {
                fixes.Add(Fix("car-speed", t, 524_000_000, 48_000_000, speed, true, null));
                t = t.AddSeconds(10);
            }

            // A 2-minute gap, then three more: a separate event.
            t = t.AddSeconds(110);
            for (int i = 0; i < 3; i++)
            {
                fixes.Add(Fix("car-speed", t, 524_000_000, 48_000_000, 40_000, true, null));
                t = t.AddSeconds(10);
            }

            return fixes;
        }

        private static StoredFix Fix(string car, DateTimeOffset t, int latE7, int lonE7, int? speed, bool moving, long? odometer) =>
            new(car, t.ToUnixTimeMilliseconds(), latE7, lonE7, 1_000, speed, null, 90, 9, 3, 1, false, moving, t.ToUnixTimeMilliseconds() + 500);
    }
}
