using System.Diagnostics;
using System.Globalization;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Trips.Benchmarks;

/// <summary>
/// The embedded store's report reads (issue 17, "Speed"): a fleet of <c>cars</c> with <c>trips</c> trips a day for
/// <c>days</c> days in SQLite; then, through <see cref="TripReports"/> as the API calls it, the fleet's daily summary
/// for one day and one car's trip list over the whole span (one page of up to 1,000). 20 timed rounds after 3 warm-ups;
/// prints the median and the worst.
/// </summary>
internal static class StoreBench
{
    public static async Task RunAsync(int cars, int days, int tripsPerDay)
    {
        string folder = Path.Combine(Path.GetTempPath(), "tracker-trips-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The trips are a month old at most, so the store's 30-day retention keeps them all.
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long day = 86_400_000;
            long first = ((now / day) - days) * day;
            var clock = TimeProvider.System;
            SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(folder, "store.db"), SyncEveryCommit = false }, CancellationToken.None);
            SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
            SqliteTripStore trips = await SqliteTripStore.OpenAsync(store, CancellationToken.None);
            var reports = new TripReports(trips, derive, derive, store, store, trips, new AccessPolicy(store, clock));
            var fill = Stopwatch.StartNew();
            var random = new Random(17);
            for (int c = 0; c < cars; c++)
            {
                string car = "car-" + c.ToString("D4", CultureInfo.InvariantCulture);
                List<Trip> list = [];
                for (int d = 0; d < days; d++)
                {
                    for (int t = 0; t < tripsPerDay; t++)
                    {
                        long start = first + (d * day) + (t * (day / tripsPerDay)) + random.Next(3_600_000);
                        list.Add(new Trip
                        {
                            CarId = car,
                            StartTs = start,
                            EndTs = start + random.Next(300_000, 3_600_000),
                            StartLatE7 = 395_296_000 + random.Next(100_000),
                            StartLonE7 = -1_198_138_000 + random.Next(100_000),
                            EndLatE7 = 395_296_000 + random.Next(100_000),
                            EndLonE7 = -1_198_138_000 + random.Next(100_000),
                            DistanceM = random.Next(500, 40_000),
                            MaxSpeedMmps = random.Next(10_000, 35_000),
                            Fixes = 200,
                            DecidedTs = start,
                        });
                    }
                }

                // A stop after each trip, to the next, with some idle time: the daily summary adds it up.
                List<Stop> stops = list.Select((x, i) => new Stop
                {
                    CarId = car,
                    StartTs = x.EndTs,
                    EndTs = i + 1 < list.Count ? Math.Max(x.EndTs, list[i + 1].StartTs) : null,
                    LatE7 = x.EndLatE7,
                    LonE7 = x.EndLonE7,
                    IdleMs = random.Next(4) == 0 ? random.Next(600_000) : 0,
                    DecidedTs = x.EndTs,
                }).ToList();
                await trips.ApplyAsync(car, long.MaxValue, list, stops, CancellationToken.None);
            }

            Console.WriteLine($"filled {cars} cars x {days} days x {tripsPerDay} trips = {cars * days * tripsPerDay} trips and as many stops in {fill.Elapsed.TotalSeconds:0.0} s; {Environment.ProcessorCount} cores");
            var op = new Identity("bench-operator", Role.Operator);
            string dayStart = (first + (day * (days / 2))).ToString(CultureInfo.InvariantCulture);
            string dayEnd = (first + (day * ((days / 2) + 1))).ToString(CultureInfo.InvariantCulture);
            await Measure("fleet daily summary, one day, " + cars + " cars", async () =>
            {
                QueryResult<IReadOnlyList<DaySummary>> r = await reports.DailyAsync(op, null, new HistoryRequest(dayStart, dayEnd, null, null), CancellationToken.None);
                return r.Value!.Count;
            });
            await Measure("one car's trip list, " + days + " days", async () =>
            {
                QueryResult<Page<Trip>> r = await reports.ListTripsAsync(op, "car-0042", new HistoryRequest(first.ToString(CultureInfo.InvariantCulture), now.ToString(CultureInfo.InvariantCulture), "1000", null), CancellationToken.None);
                return r.Value!.Items.Count;
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Measure(string name, Func<Task<int>> read)
    {
        int count = 0;
        for (int i = 0; i < 3; i++)
        {
            count = await read();
        }

        List<double> ms = [];
        for (int i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            await read();
            ms.Add(watch.Elapsed.TotalMilliseconds);
        }

        ms.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {count} rows, median {ms[ms.Count / 2]:0.0} ms, worst {ms[^1]:0.0} ms (20 rounds)"));
    }
}
