using System.Diagnostics;
using System.Globalization;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Benchmarks;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

// Ingest throughput (issue 5, "Benchmarks"): a generated drive per car, 1 fix a second, encoded by the
// firmware's BatchEncoder into 10-fix messages, then each message through IngestService (decode,
// filters, enrichment, idempotent append, forward-only latest) into the store, `concurrency` cars at
// a time. One warm-up pass on other cars first. Prints fixes/s per store.
//
//   dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- [--store sqlite|dynalite|both] [--cars 20] [--fixes 1000] [--concurrency 4] [--events off|compare] [--rounds 3] [--derive-workers 2] [--sync full|normal]
//   dotnet run -c Release --project cloud/Tracker.Cloud.Benchmarks -- --mode truth [--cars 20] [--hours 6] [--seed 16] [--tolerance-s 30]
//
// --mode truth (issue 16, "Measured against truth"): a scenario fleet with known ground truth through ingest and the
// Derive stage on SQLite, on simulated time; prints recall and false alarms per event type (TruthBenchmark.cs).
//
// --events compare (SQLite): the same run also ingests as many other cars with the Derive stage (a fleet zone and a
// speed limit), two ways, and prints each rate and its ratio to events off (issue 16: events on against off, in the
// same run, rounds alternating):
//   feed:   as the local host runs it: the store writes its change feed with the fixes, ingest marks the car, and
//           FeedDerive's workers derive each car's gathered entries in one step; the clock stops when ingest is done
//           AND every car is derived, so the rate is the whole stage's;
//   inline: as the ingest Lambda runs it: DeriveAfterIngest after every message, before the next.
// "off" ingests into a store without the feed, so its rate is ingest alone.
var args_ = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    args_[args[i].TrimStart('-')] = args[i + 1];
}

string which = args_.GetValueOrDefault("store", "both");
if (args_.GetValueOrDefault("mode", "ingest") == "query")
{
    await QueryBenchmark.RunAsync(which, args_);
    return;
}

if (args_.GetValueOrDefault("mode", "ingest") == "truth")
{
    await TruthBenchmark.RunAsync(args_);
    return;
}

int cars = int.Parse(args_.GetValueOrDefault("cars", "20"), CultureInfo.InvariantCulture);
int fixesPerCar = int.Parse(args_.GetValueOrDefault("fixes", "1000"), CultureInfo.InvariantCulture);
int concurrency = int.Parse(args_.GetValueOrDefault("concurrency", "4"), CultureInfo.InvariantCulture);
bool compareEvents = args_.GetValueOrDefault("events", "off") == "compare";
int rounds = int.Parse(args_.GetValueOrDefault("rounds", "3"), CultureInfo.InvariantCulture);
int deriveWorkers = int.Parse(args_.GetValueOrDefault("derive-workers", "2"), CultureInfo.InvariantCulture);

Console.WriteLine($"cars {cars}, fixes a car {fixesPerCar}, 10 fixes a message, concurrency {concurrency}, {Environment.ProcessorCount} cores");
if (which is "sqlite" or "both")
{
    bool sync = args_.GetValueOrDefault("sync", "full") != "normal";
    string sqliteName = BenchmarkStores.SqliteName + (sync ? string.Empty : ", synchronous=NORMAL");
    if (compareEvents)
    {
        await BenchmarkStores.OnSqlitePairAsync((plain, withFeed) => CompareEventsAsync(sqliteName, plain, withFeed), sync);
    }
    else
    {
        await BenchmarkStores.OnSqliteAsync(store => RunAsync(sqliteName, store), sync);
    }
}

if (which is "dynalite" or "both")
{
    await BenchmarkStores.OnDynaliteAsync("benchmark", store => RunAsync(BenchmarkStores.DynaliteName, store));
}

async Task RunAsync(string name, IFixStore store)
{
    var ingest = new IngestService(store, CarRules.Default.Ingest, TimeProvider.System);
    await IngestAllAsync(ingest, Messages("warm", Math.Min(cars, 4), Math.Min(fixesPerCar, 200)));
    if (compareEvents)
    {
        Console.WriteLine(name + ": --events compare runs on SQLite only");
        return;
    }

    await MeasureAsync(name, ingest, "car", null);
}

async Task CompareEventsAsync(string name, Tracker.Cloud.Sqlite.SqliteStore plain, Tracker.Cloud.Sqlite.SqliteStore withFeed)
{
    var ingestOff = new IngestService(plain, CarRules.Default.Ingest, TimeProvider.System);
    var ingestOn = new IngestService(withFeed, CarRules.Default.Ingest, TimeProvider.System);
    Tracker.Cloud.Sqlite.SqliteDeriveStore derive = await Tracker.Cloud.Sqlite.SqliteDeriveStore.OpenAsync(withFeed, CancellationToken.None);
    await derive.PutZoneAsync(new Tracker.Cloud.Derive.Zones.Zone { Id = "reno", Name = "Reno", Center = new Tracker.Cloud.Derive.Zones.GeoPoint(395_296_417, -1_198_136_462), RadiusM = 2000 }, CancellationToken.None);
    var service = new Tracker.Cloud.Derive.DeriveService(
        new Tracker.Cloud.Derive.Engine.CarDeriver(Tracker.Cloud.Derive.Engine.DeriveOptions.Default),
        derive,
        derive,
        new Tracker.Cloud.Derive.Storage.StoredObservations(withFeed, derive),
        new Tracker.Cloud.Derive.Storage.StoredContexts(derive, withFeed, new Tracker.Cloud.Derive.Engine.SpeedLimits { FleetMmps = 13_889 }));
    var inline = new Tracker.Cloud.Derive.DeriveAfterIngest(plain, service);
    // A warm-up of each path as large as a round's first fifth (at most 1,000 fixes a car): a smaller one left the first
    // round's "off" running code the JIT had not yet optimised, which made that round's ratio look better than it was.
    int warmFixes = Math.Max(10, Math.Min(fixesPerCar / 5, 1000));
    await IngestAllAsync(ingestOff, Messages("warm", cars, warmFixes));
    await IngestAllAsync(ingestOff, Messages("warm-inline", cars, warmFixes), inline);
    await MeasureFeedAsync(name + " warm-up with events (feed)", ingestOn, service, withFeed, "warm-feed", cars, warmFixes);

    // Alternating rounds on fresh cars, so warm-up and the shared machine's load fall on every side alike.
    double off = 0;
    double feed = 0;
    double inlined = 0;
    List<double> feedRatios = [];
    List<double> inlineRatios = [];
    for (int round = 0; round < rounds; round++)
    {
        double offRound = await MeasureAsync(name, ingestOff, "off" + round + "-car", null);
        double feedRound = await MeasureFeedAsync(name + " with events (feed, as the local host)", ingestOn, service, withFeed, "feed" + round + "-car", cars, fixesPerCar);
        double inlineRound = await MeasureAsync(name + " with events (inline, as the ingest Lambda)", ingestOff, "inline" + round + "-car", inline);
        off += offRound;
        feed += feedRound;
        inlined += inlineRound;
        feedRatios.Add(feedRound / offRound);
        inlineRatios.Add(inlineRound / offRound);
    }

    feedRatios.Sort();
    inlineRatios.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: mean of {rounds} rounds: events off {off / rounds:F0} fixes/s; on, feed {feed / rounds:F0} fixes/s, on / off = {feed / off:P1} (median round {feedRatios[rounds / 2]:P0}; rounds {string.Join(", ", feedRatios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))}); on, inline {inlined / rounds:F0} fixes/s, on / off = {inlined / off:P1} (median round {inlineRatios[rounds / 2]:P0}; rounds {string.Join(", ", inlineRatios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))})"));
}

async Task<double> MeasureFeedAsync(string name, IngestService ingest, Tracker.Cloud.Derive.DeriveService service, Tracker.Cloud.Sqlite.SqliteStore store, string prefix, int carCount, int fixCount)
{
    List<(string Car, byte[] Payload)>[] work = Messages(prefix, carCount, fixCount);
    int steps = 0;
    await using var feed = new Tracker.Cloud.Derive.FeedDerive(store, service)
    {
        Workers = deriveWorkers,
        RunStep = async (_, step) =>
        {
            if (await step() is not null)
            {
                Interlocked.Increment(ref steps);
            }
        },
    };
    if (deriveWorkers > 0)
    {
        feed.Start();
    }

    // --derive-workers 0: the feed is written and nothing derives it (the cost of the feed's own rows in ingest).
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    int accepted = await IngestAllAsync(ingest, work, null, deriveWorkers > 0 ? feed : null);
    TimeSpan ingested = watch.Elapsed;
    if (deriveWorkers > 0)
    {
        await feed.WhenIdleAsync(CancellationToken.None);
    }

    watch.Stop();
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    int messages = work.Sum(w => w.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: {accepted} fixes accepted of {carCount * fixCount} in {messages} messages (ingest done at {ingested.TotalSeconds:F2} s), all derived in {steps} steps, {watch.Elapsed.TotalSeconds:F2} s: {accepted / watch.Elapsed.TotalSeconds:F0} fixes/s, {messages / watch.Elapsed.TotalSeconds:F0} messages/s; process CPU {cpu:F2} s ({cpu / watch.Elapsed.TotalSeconds:F2} cores)"));
    return accepted / watch.Elapsed.TotalSeconds;
}

async Task<double> MeasureAsync(string name, IngestService ingest, string prefix, Tracker.Cloud.Derive.DeriveAfterIngest? derive)
{
    List<(string Car, byte[] Payload)>[] work = Messages(prefix, cars, fixesPerCar);
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    int accepted = await IngestAllAsync(ingest, work, derive);
    watch.Stop();
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    int messages = work.Sum(w => w.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: {accepted} fixes accepted of {cars * fixesPerCar} in {messages} messages, {watch.Elapsed.TotalSeconds:F2} s: {accepted / watch.Elapsed.TotalSeconds:F0} fixes/s, {messages / watch.Elapsed.TotalSeconds:F0} messages/s; process CPU {cpu:F2} s ({cpu / watch.Elapsed.TotalSeconds:F2} cores)"));
    return accepted / watch.Elapsed.TotalSeconds;
}

async Task<int> IngestAllAsync(IngestService ingest, List<(string Car, byte[] Payload)>[] perCar, Tracker.Cloud.Derive.DeriveAfterIngest? derive = null, Tracker.Cloud.Derive.FeedDerive? feed = null)
{
    int accepted = 0;
    await Parallel.ForEachAsync(perCar, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (messages, token) =>
    {
        foreach ((string car, byte[] payload) in messages)
        {
            IngestResult result = await ingest.IngestAsync(new IngestRequest($"tracker/{car}/fixes", car, payload, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), token);
            if (result.Rejection != BatchRejection.None)
            {
                throw new InvalidOperationException($"{car}: message rejected: {result.Rejection} {result.Detail}");
            }

            if (derive is not null)
            {
                await derive.FixesStoredAsync(car, payload, token);
            }

            feed?.Mark(car);

            Interlocked.Add(ref accepted, result.Accepted);
        }
    });
    return accepted;
}

// A drive per car: 1 Hz, about 50 km/h heading north-east from Reno with a gentle wobble, ending an hour ago.
static List<(string Car, byte[] Payload)>[] Messages(string prefix, int carCount, int fixCount)
{
    var encoder = new BatchEncoder();
    var buffer = new byte[BatchFormat.MaxEncodedSize(10)];
    long start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 1000 * 1000 - (fixCount * 1000L);
    var all = new List<(string, byte[])>[carCount];
    for (int c = 0; c < carCount; c++)
    {
        string car = prefix + "-" + c.ToString("D4", CultureInfo.InvariantCulture);
        var fixes = new Fix[fixCount];
        for (int i = 0; i < fixCount; i++)
        {
            Fix fix = Fix.Create(start + (i * 1000L), 395296417 + (c * 10_000) + (i * 100) + (i % 7 * 3), -1198136462 + (i * 120) - (i % 5 * 4));
            fix.AltCm = 137390 + (i % 11 * 10);
            fix.SpeedMmps = 13_900 + (i % 13 * 20);
            fix.CourseCdeg = 4500 + (i % 9);
            fix.HdopX100 = 90 + (i % 20);
            fix.Satellites = 8 + (i % 4);
            fix.Mode = FixMode.ThreeD;
            fix.Quality = FixQuality.Autonomous;
            fixes[i] = fix;
        }

        var messages = new List<(string, byte[])>();
        for (int offset = 0; offset < fixCount;)
        {
            int size = encoder.Encode(fixes, offset, Math.Min(10, fixCount - offset), buffer, 0, out int written);
            messages.Add((car, buffer[..size]));
            offset += written;
        }

        all[c] = messages;
    }

    return all;
}
