using System.Diagnostics;
using System.Globalization;
using Parquet;
using Parquet.Schema;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Sqlite;
using Tracker.Testing;

namespace Tracker.Cloud.Archive.Benchmarks;

/// <summary>
/// The trips and stops tables (<c>--tables trips</c>): a fleet's trips over the revision window, loaded into the real SQLite
/// trips store, exported by <see cref="TripArchiveExporter"/> to a local folder; then the same window again (nothing
/// changed: what an ordinary night costs). Reports bytes per trip and per 1,000 car-days, and the bytes a query reads:
/// the Parquet column chunks of the columns it names over its days (what Athena bills as data scanned, less its
/// footer reads), beside what the fixes-based query of schema 1 read.
///
///   dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --tables trips --cars 1000 --days 29 --trips 8
/// </summary>
internal static class TripBenchmark
{
    /// <summary>The columns distance-per-day.sql reads from the trips (dt is the folder, free).</summary>
    private static readonly string[] DistancePerDayColumns = ["car_id", "distance_m", "estimated_m", "duration_s", "max_speed_kmh"];

    /// <summary>The columns utilisation.sql reads from the trips and the stops.</summary>
    private static readonly string[] UtilisationTripColumns = ["car_id", "distance_m", "duration_s"];

    private static readonly string[] UtilisationStopColumns = ["car_id", "idle_s"];

    public static async Task RunAsync(Dictionary<string, string> options)
    {
        int cars = Int(options, "cars", 1000);
        int days = Int(options, "days", 29);
        int tripsPerDay = Int(options, "trips", 8);
        var lastDay = new DateOnly(2025, 6, 10);
        var clock = new ManualClock(new DateTimeOffset(lastDay.AddDays(1).ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero));
        DateOnly firstDay = lastDay.AddDays(1 - days);
        Console.WriteLine($"trips archive benchmark: {cars} cars x {days} days x {tripsPerDay} trips = {(long)cars * days * tripsPerDay:N0} trips, SQLite trips store");

        using var scratch = new TempFolder("tracker-trips-benchmark-");
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = scratch.Combine("fixes.db"), Clock = clock, PurgeInterval = TimeSpan.FromDays(365) }, CancellationToken.None);
        try
        {
            SqliteTripStore trips = await SqliteTripStore.OpenAsync(store, CancellationToken.None);
            var load = Stopwatch.StartNew();
            for (int c = 0; c < cars; c++)
            {
                (List<Trip> carTrips, List<Stop> carStops, List<Rental> rentals) = Synthetic(c, firstDay, days, tripsPerDay);
                await trips.ApplyAsync(carTrips[0].CarId, long.MaxValue, carTrips, carStops, CancellationToken.None);
                foreach (Rental rental in rentals)
                {
                    await store.PutAsync(rental, CancellationToken.None);
                }

                var fix = new StoredFix(carTrips[0].CarId, carTrips[^1].EndTs, carTrips[^1].EndLatE7, carTrips[^1].EndLonE7, null, 0, null, 90, 9, 3, 1, false, false, carTrips[^1].EndTs);
                await store.AppendAsync(fix.CarId, [fix], CancellationToken.None);
                await store.AdvanceLatestAsync(fix, CancellationToken.None);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded in {load.Elapsed.TotalSeconds:F1} s (not counted)"));
            string outDir = options.GetValueOrDefault("out") ?? Directory.CreateDirectory(scratch.Combine("out")).FullName;
            var exporter = new TripArchiveExporter(
                store, trips, store, new DirectoryArchiveSink(Path.Combine(outDir, "trips")), new DirectoryArchiveSink(Path.Combine(outDir, "stops")), new ArchiveOptions(), clock);
            IReadOnlyList<DateOnly> window = exporter.Window(lastDay);

            GC.Collect();
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            using var heap = new HeapPeak();
            var first = Stopwatch.StartNew();
            IReadOnlyList<TripDayExport> written = await exporter.ExportAsync(window, CancellationToken.None);
            first.Stop();
            long firstPeak = heap.TakePeak();
            var second = Stopwatch.StartNew();
            IReadOnlyList<TripDayExport> again = await exporter.ExportAsync(window, CancellationToken.None);
            second.Stop();
            long secondPeak = heap.TakePeak();

            long tripRows = written.Sum(d => d.Trips);
            long stopRows = written.Sum(d => d.Stops);
            long tripBytes = FolderBytes(Path.Combine(outDir, "trips"));
            long stopBytes = FolderBytes(Path.Combine(outDir, "stops"));
            double carDays = (double)cars * window.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"window of {window.Count} days: {tripRows:N0} trips, {stopRows:N0} stops; first run {first.Elapsed.TotalSeconds:F1} s ({written.Count(d => d.Outcome == TripDayOutcome.Written)} days written), unchanged run {second.Elapsed.TotalSeconds:F1} s ({again.Count(d => d.Outcome == TripDayOutcome.Unchanged)} days unchanged, nothing written)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trips: {tripBytes:N0} bytes of Parquet, {(double)tripBytes / tripRows:F1} bytes a trip, {tripBytes / carDays * 1000 / 1024:F1} KiB per 1,000 car-days"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stops: {stopBytes:N0} bytes of Parquet, {(double)stopBytes / stopRows:F1} bytes a stop, {stopBytes / carDays * 1000 / 1024:F1} KiB per 1,000 car-days"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"managed heap during the export, above the {heapBefore / (1024 * 1024)} MiB before it (sampled every 5 ms): first run peak +{(firstPeak - heapBefore) / (1024 * 1024)} MiB, unchanged run peak +{(secondPeak - heapBefore) / (1024 * 1024)} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB (the whole process, the load included)"));

            // A week of the fleet, as the queries' example ranges.
            DateOnly[] week = window.TakeLast(7).ToArray();
            long distance = await ScanBytesAsync(Path.Combine(outDir, "trips"), week, DistancePerDayColumns);
            long utilisation = await ScanBytesAsync(Path.Combine(outDir, "trips"), week, UtilisationTripColumns) + await ScanBytesAsync(Path.Combine(outDir, "stops"), week, UtilisationStopColumns);
            long weekFiles = week.Sum(d => FolderBytes(Path.Combine(outDir, "trips", ArchiveLayout.DayFolder(d).TrimEnd('/'))));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"distance-per-day.sql over 7 days of {cars} cars: {distance:N0} bytes of column chunks ({weekFiles:N0} bytes of trips files; Athena bills at least 10 MB a query)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"utilisation.sql over 7 days: {utilisation:N0} bytes of column chunks"));
            Console.WriteLine($"output: {outDir}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Bytes of the column chunks of <paramref name="columns"/> in the days' parts.</summary>
    private static async Task<long> ScanBytesAsync(string root, IEnumerable<DateOnly> days, string[] columns)
    {
        long total = 0;
        foreach (DateOnly day in days)
        {
            string part = Path.Combine(root, ArchiveLayout.PartKey(day, 0));
            if (!File.Exists(part))
            {
                continue;
            }

            await using FileStream file = File.OpenRead(part);
            await using ParquetReader reader = await ParquetReader.CreateAsync(file);
            foreach (DataField field in reader.Schema.DataFields.Where(f => columns.Contains(f.Name)))
            {
                total += reader.Metadata!.RowGroups.Sum(g => g.Columns.Single(c => c.MetaData!.PathInSchema[0] == field.Name).MetaData!.TotalCompressedSize);
            }
        }

        return total;
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>
    /// A car's window: trips between 06:00 and 22:00 (5 to 40 minutes, 6 to 20 m/s on average, one in ten partly bridged)
    /// around a town, a stop after each with a minute or two of idling one time in three, the last one open; a rental
    /// of two days every four days.
    /// </summary>
    private static (List<Trip> Trips, List<Stop> Stops, List<Rental> Rentals) Synthetic(int car, DateOnly firstDay, int days, int perDay)
    {
        var random = new Random(car);
        string carId = "car-" + car.ToString("D5", CultureInfo.InvariantCulture);
        var trips = new List<Trip>();
        var stops = new List<Stop>();
        var rentals = new List<Rental>();
        int lat = 525_000_000 + random.Next(-200_000, 200_000);
        int lon = 134_000_000 + random.Next(-300_000, 300_000);
        double odometer = random.Next(1_000_000, 90_000_000) / 1000.0 * 1000;
        for (int d = 0; d < days; d++)
        {
            long dayStart = ArchiveExporter.DayRange(firstDay.AddDays(d)).FromMs;
            if (d % 4 == car % 4)
            {
                rentals.Add(new Rental(carId, "renter-" + random.Next(1, 5000).ToString(CultureInfo.InvariantCulture), dayStart + 8 * 3_600_000L, dayStart + (56 * 3_600_000L)));
            }

            long slot = 16 * 3_600_000L / perDay;
            for (int k = 0; k < perDay; k++)
            {
                long start = dayStart + (6 * 3_600_000L) + (k * slot) + random.Next(0, (int)(slot / 3));
                long duration = random.Next(5 * 60_000, Math.Min(40 * 60_000, (int)(slot / 2)));
                double speed = 6 + (random.NextDouble() * 14);
                double distance = Math.Round(speed * duration / 1000.0, 1);
                int endLat = Math.Clamp(lat + random.Next(-150_000, 150_000), 520_000_000, 530_000_000);
                int endLon = Math.Clamp(lon + random.Next(-200_000, 200_000), 130_000_000, 138_000_000);
                var trip = new Trip
                {
                    CarId = carId,
                    StartTs = start,
                    EndTs = start + duration,
                    StartLatE7 = lat,
                    StartLonE7 = lon,
                    EndLatE7 = endLat,
                    EndLonE7 = endLon,
                    DistanceM = distance,
                    EstimatedM = random.Next(10) == 0 ? Math.Round(distance * random.NextDouble() * 0.2, 1) : 0,
                    MaxSpeedMmps = (int)(speed * 1000 * (1.3 + (random.NextDouble() * 0.6))),
                    Fixes = (int)(duration / 1000 / 5),
                    StartOdometerM = Math.Round(odometer, 1),
                    DecidedTs = start + duration + 120_000,
                };
                trips.Add(trip);
                odometer += distance;
                lat = endLat;
                lon = endLon;
                stops.Add(new Stop
                {
                    CarId = carId,
                    StartTs = trip.EndTs,
                    EndTs = null,
                    LatE7 = endLat,
                    LonE7 = endLon,
                    IdleMs = random.Next(3) == 0 ? random.Next(10_000, 180_000) : 0,
                    DecidedTs = trip.DecidedTs,
                });
            }
        }

        // Each stop ends where the next trip starts; the last stays open.
        for (int i = 0; i + 1 < stops.Count; i++)
        {
            stops[i] = stops[i] with { EndTs = trips[i + 1].StartTs };
        }

        return (trips, stops, rentals);
    }

    private static int Int(Dictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The managed heap's peak while it runs, sampled every 5 ms on a thread of its own (GC.GetTotalMemory: what is allocated and not yet collected).</summary>
internal sealed class HeapPeak : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public HeapPeak()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "heap-peak" };
        _thread.Start();
    }

    /// <summary>The peak since the last call, and starts again.</summary>
    public long TakePeak() => Interlocked.Exchange(ref _peak, GC.GetTotalMemory(false));

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Sample()
    {
        while (!_stop)
        {
            long now = GC.GetTotalMemory(false);
            long seen = Interlocked.Read(ref _peak);
            while (now > seen && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
                seen = Interlocked.Read(ref _peak);
            }

            Thread.Sleep(5);
        }
    }
}
