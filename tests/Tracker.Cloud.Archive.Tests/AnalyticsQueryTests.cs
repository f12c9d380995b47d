using System.Text.Json;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Archive.Tests.Servers;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// The four Athena queries, run as written (with their example dates) by DuckDB over an archive that
/// the exporter wrote for a fleet built to have known answers: three trips, three speeding events,
/// exact distances, three offline cars. DuckDB is not Athena, but the queries use only SQL both share;
/// this checks their logic on real Parquet files.
/// </summary>
public sealed class AnalyticsQueryTests : IClassFixture<AnalyticsQueryTests.Archive>
{
    private static readonly DateTimeOffset Start = new(2025, 6, 3, 8, 0, 0, TimeSpan.Zero);
    private readonly Archive _archive;

    public AnalyticsQueryTests(Archive archive) => _archive = archive;

    [FactNeeding(Part.DuckDb)]
    public async Task TripsPerCar_CountsMovingRunsSplitByFiveMinuteGaps_AcrossMidnight()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("trips-per-car.sql");
        JsonElement trips = Assert.Single(rows, r => r.Text("car_id") == "car-trips");

        // 08:00-09:00 with a 3-minute stop (one trip), 09:20-09:40, 23:55-00:05 across midnight.
        Assert.Equal(3, trips.Number("trips"));
        Assert.Equal("2025-06-03 08:00:00", trips.Text("first_trip_started"));
        Assert.Equal("2025-06-04 00:05:00", trips.Text("last_trip_ended"));
        // A trip's distance runs from its first moving fix to its last: the step into each trip's first
        // fix is not in it (and the car's very first fix has none).
        Assert.Equal(Math.Round((_archive.TripsMovingFixes - 3) * 0.1, 1), trips.Number("distance_km"), 1);
        Assert.Equal(36.0, trips.Number("top_speed_kmh"));
        Assert.Equal(Math.Round((3590 + 1200 + 600) / 3600.0, 2), trips.Number("driving_hours"), 2);
    }

    [FactNeeding(Part.DuckDb)]
    public async Task DistancePerDay_SumsOdometerStepsAndHaversine_ByTheDayTheStepEnds()
    {
        IReadOnlyList<JsonElement> rows = await _archive.RunAsync("distance-per-day.sql");
        JsonElement[] trips = rows.Where(r => r.Text("car_id") == "car-trips").ToArray();
        Assert.Equal(["2025-06-03", "2025-06-04"], trips.Select(r => r.Text("dt")));
        double odometer3 = trips[0].Number("odometer_km");
        double odometer4 = trips[1].Number("odometer_km");
        Assert.Equal(Math.Round(_archive.TripsOdometerM["2025-06-03"] / 1000.0, 2), odometer3, 2);
        Assert.Equal(Math.Round(_archive.TripsOdometerM["2025-06-04"] / 1000.0, 2), odometer4, 2);

        // 100 m north per moving step: the great circle agrees with the odometer to a metre a kilometre.
        Assert.Equal(odometer3, trips[0].Number("haversine_km"), 0.01 * odometer3);
        Assert.Equal(odometer4, trips[1].Number("haversine_km"), 0.01 * odometer4);
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

        /// <summary>Moving fixes of car-trips.</summary>
        public int TripsMovingFixes { get; private set; }

        /// <summary>car-trips' odometer steps summed by the day of the fix that ends each step.</summary>
        public Dictionary<string, long> TripsOdometerM { get; } = [];

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
            var store = new ListFixStore(fixes);
            var sink = new DirectoryArchiveSink(_archive.Path);
            var exporter = new ArchiveExporter(store, sink, new ArchiveOptions(), new ManualClock(new DateTimeOffset(2025, 6, 11, 0, 15, 0, TimeSpan.Zero)));
            foreach (DateOnly day in fixes.Select(f => DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(f.Ts))).Distinct())
            {
                await exporter.ExportDayAsync(day, CancellationToken.None);
            }
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
        private List<StoredFix> TripsCar()
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
                    if (previous is not null)
                    {
                        string day = t.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                        TripsOdometerM[day] = TripsOdometerM.GetValueOrDefault(day) + (moving ? 100 : 0);
                    }

                    fixes.Add(fix);
                    previous = fix;
                    TripsMovingFixes += moving ? 1 : 0;
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
