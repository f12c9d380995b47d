using System.Diagnostics;
using System.Globalization;
using Tracker.Cloud.Benchmarks;
using Tracker.Cloud.Core.Storage;

/// <summary>
/// Query latency (issue 5, "Benchmarks"): load <c>cars</c> x <c>hours</c> of fixes every
/// <c>interval-s</c> seconds straight into the store (bulk appends, then each car's latest), then
/// time random latest-position reads and random full 24-hour history reads (every page, 1,000
/// fixes a page, following the cursor). Prints p50/p99 of each.
///
///   dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --mode query --store sqlite --cars 1000 --hours 24 --interval-s 5 --queries 300
/// </summary>
internal static class QueryBenchmark
{
    public static async Task RunAsync(string which, Dictionary<string, string> options)
    {
        int cars = Int(options, "cars", 1000);
        int hours = Int(options, "hours", 24);
        int intervalS = Int(options, "interval-s", 5);
        int queries = Int(options, "queries", 300);
        int perCar = hours * 3600 / intervalS;
        Console.WriteLine($"query benchmark: {cars} cars x {hours} h at {intervalS} s = {perCar} fixes a car, {(long)cars * perCar} in all; {queries} queries of each kind");
        if (which is "sqlite" or "both")
        {
            await BenchmarkStores.OnSqliteAsync(store => MeasureAsync(BenchmarkStores.SqliteName, store, cars, perCar, intervalS, queries));
        }

        if (which is "dynalite" or "both")
        {
            await BenchmarkStores.OnDynaliteAsync("q", store => MeasureAsync(BenchmarkStores.DynaliteName, store, cars, perCar, intervalS, queries));
        }
    }

    private static async Task MeasureAsync(string name, IFixStore store, int cars, int perCar, int intervalS, int queries)
    {
        long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        long start = end - ((long)perCar * intervalS * 1000);
        var load = Stopwatch.StartNew();
        var chunk = new List<StoredFix>(2000);
        for (int c = 0; c < cars; c++)
        {
            string car = "car-" + c.ToString("D4", CultureInfo.InvariantCulture);
            StoredFix? last = null;
            for (int i = 0; i < perCar; i++)
            {
                last = Make(car, start + ((long)i * intervalS * 1000), c, i, end);
                chunk.Add(last);
                if (chunk.Count == chunk.Capacity)
                {
                    await store.AppendAsync(car, chunk, CancellationToken.None);
                    chunk.Clear();
                }
            }

            if (chunk.Count > 0)
            {
                await store.AppendAsync(car, chunk, CancellationToken.None);
                chunk.Clear();
            }

            await store.AdvanceLatestAsync(last!, CancellationToken.None);
        }

        load.Stop();
        long total = (long)cars * perCar;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: loaded {total} fixes in {load.Elapsed.TotalSeconds:F1} s ({total / load.Elapsed.TotalSeconds:F0} fixes/s)"));

        var random = new Random(5);
        var latest = new double[queries];
        for (int q = 0; q < queries; q++)
        {
            string car = "car-" + random.Next(cars).ToString("D4", CultureInfo.InvariantCulture);
            long t0 = Stopwatch.GetTimestamp();
            StoredFix? fix = await store.GetLatestAsync(car, CancellationToken.None);
            latest[q] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (fix is null)
            {
                throw new InvalidOperationException($"{car} has no latest position");
            }
        }

        var history = new double[queries];
        long from = end - (24L * 3600 * 1000);
        for (int q = 0; q < queries; q++)
        {
            string car = "car-" + random.Next(cars).ToString("D4", CultureInfo.InvariantCulture);
            long t0 = Stopwatch.GetTimestamp();
            int count = 0;
            string? cursor = null;
            do
            {
                FixPage page = await store.QueryAsync(car, from, end + 1, 1000, cursor, CancellationToken.None);
                count += page.Fixes.Count;
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            history[q] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (count != Math.Min(perCar, 24 * 3600 / intervalS))
            {
                throw new InvalidOperationException($"{car}: {count} fixes in 24 h");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: latest position p50 {Percentile(latest, 50):F2} ms, p99 {Percentile(latest, 99):F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: 24-hour history ({Math.Min(perCar, 24 * 3600 / intervalS)} fixes, pages of 1,000) p50 {Percentile(history, 50):F1} ms, p99 {Percentile(history, 99):F1} ms"));
    }

    private static StoredFix Make(string car, long ts, int c, int i, long now) =>
        new(car, ts, 395296417 + (c * 10_000) + (i * 40), -1198136462 + (i * 50), 137390 + (i % 11 * 10), 13_900 + (i % 13 * 20), 4500 + (i % 9), 90 + (i % 20), 8 + (i % 4), 3, 1, false, true, now);

    private static double Percentile(double[] values, int p)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int index = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    private static int Int(Dictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
