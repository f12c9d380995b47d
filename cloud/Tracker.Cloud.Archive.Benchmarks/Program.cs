using System.Diagnostics;
using System.Globalization;
using Tracker.Cloud.Archive.Benchmarks;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;
using Tracker.Testing;

// Archive export benchmark: a fleet-day of synthetic 5-second fixes exported to Parquet in a local directory.
//
//   dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --store sqlite --cars 1000 --interval-s 5 --db /tmp/archive-benchmark.db
//   dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --store synthetic --cars 1000 --interval-s 5
//   dotnet run -c Release --project cloud/Tracker.Cloud.Archive.Benchmarks -- --tables trips --cars 1000 --days 29 --trips 8
//
// --store sqlite loads the day into a SQLite file first (reused when --db names one that is already
// loaded with the same fleet) and times only the export: store reads + Parquet encoding + file writes.
// --store synthetic computes the fixes on the fly, timing the encoding and writes alone.
// Options: --compression zstd|snappy, --row-group N, --groups-per-file N, --car-read-ahead N, --columns 1 (bytes per column),
// --out DIR (kept; default a temporary folder, deleted).
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

if (options.GetValueOrDefault("tables") == "trips")
{
    // The trips and stops tables over the revision window (TripBenchmark.cs).
    await TripBenchmark.RunAsync(options);
    return;
}

int cars = Int("cars", 1000);
int intervalS = Int("interval-s", 5);
string storeKind = options.GetValueOrDefault("store", "sqlite");
var day = new DateOnly(2025, 6, 10);
(long dayStart, _) = ArchiveExporter.DayRange(day);
var clock = new ManualClock(new DateTimeOffset(2025, 6, 11, 0, 15, 0, TimeSpan.Zero));
int perCar = 86_400 / intervalS;
long rows = (long)cars * perCar;
var archiveOptions = new ArchiveOptions
{
    Compression = options.GetValueOrDefault("compression", "zstd") == "snappy" ? ArchiveCompression.Snappy : ArchiveCompression.Zstd,
    RowGroupSize = Int("row-group", 100_000),
    RowGroupsPerFile = Int("groups-per-file", 10),
    CarReadAhead = Int("car-read-ahead", 4),
};
Console.WriteLine($"archive benchmark: {cars} cars x 24 h at {intervalS} s = {rows:N0} fixes; store {storeKind}; {archiveOptions.Compression}, row groups of {archiveOptions.RowGroupSize:N0}, {archiveOptions.RowGroupsPerFile} a file, {archiveOptions.CarReadAhead} cars read ahead");

IFixStore store;
using var scratch = new TempFolder("tracker-archive-benchmark-"); // the database unless --db, the output unless --out
if (storeKind == "sqlite")
{
    string dbPath = options.GetValueOrDefault("db") ?? scratch.Combine("fixes.db");
    SqliteStore sqlite = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = dbPath, Clock = clock, PurgeInterval = TimeSpan.FromDays(365) }, CancellationToken.None);
    IReadOnlyList<StoredFix> latest = await sqlite.GetAllLatestAsync(CancellationToken.None);
    if (latest.Count != cars)
    {
        var load = Stopwatch.StartNew();
        for (int c = latest.Count; c < cars; c++)
        {
            StoredFix[] fixes = SyntheticRoute.Fixes(c, dayStart, intervalS, 0, perCar).ToArray();
            for (int offset = 0; offset < fixes.Length; offset += 5000)
            {
                await sqlite.AppendAsync(fixes[0].CarId, new ArraySegment<StoredFix>(fixes, offset, Math.Min(5000, fixes.Length - offset)), CancellationToken.None);
            }

            await sqlite.AdvanceLatestAsync(fixes[^1], CancellationToken.None);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {dbPath} in {load.Elapsed.TotalSeconds:F1} s"));
    }
    else
    {
        Console.WriteLine($"reusing {dbPath} ({latest.Count} cars)");
    }

    store = sqlite;
}
else
{
    store = new SyntheticStore(cars, dayStart, intervalS);
}

string outDir = options.GetValueOrDefault("out") ?? Directory.CreateDirectory(scratch.Combine("out")).FullName;
try
{
    var exporter = new ArchiveExporter(store, new DirectoryArchiveSink(outDir), archiveOptions, clock);
    GC.Collect();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var watch = Stopwatch.StartNew();
    ArchiveManifest manifest = await exporter.ExportDayAsync(day, CancellationToken.None);
    watch.Stop();
    long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    long bytes = manifest.Files.Sum(f => f.Bytes);
    if (manifest.Rows != rows)
    {
        throw new InvalidOperationException($"exported {manifest.Rows} rows, expected {rows}");
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"exported {manifest.Rows:N0} rows in {manifest.Files.Count} files, {bytes:N0} bytes: {(double)bytes / manifest.Rows:F2} bytes per fix"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"export {watch.Elapsed.TotalSeconds:F1} s: {manifest.Rows / watch.Elapsed.TotalSeconds:N0} rows/s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB; allocated {allocated / (1024 * 1024)} MiB ({(double)allocated / manifest.Rows:F0} B/row)"));
    Console.WriteLine($"output: {outDir}");
    if (options.ContainsKey("columns") && manifest.Files.Count > 0)
    {
        await using var file = File.OpenRead(Path.Combine(outDir, ArchiveLayout.DayFolder(day), manifest.Files[0].Name));
        await using Parquet.ParquetReader reader = await Parquet.ParquetReader.CreateAsync(file);
        foreach (Parquet.Schema.DataField field in reader.Schema.DataFields)
        {
            long size = reader.Metadata!.RowGroups.Sum(g => g.Columns.Single(c => c.MetaData!.PathInSchema[0] == field.Name).MetaData!.TotalCompressedSize);
            string encodings = string.Join("/", reader.Metadata.RowGroups[0].Columns.Single(c => c.MetaData!.PathInSchema[0] == field.Name).MetaData!.Encodings);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {field.Name,-14} {(double)size / manifest.Files[0].Rows,6:F2} B/row  {encodings}"));
        }
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // then the scratch folder goes
}

int Int(string key, int fallback) => options.TryGetValue(key, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
