using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>The exporter against a SQLite store and an in-memory sink: content, order, parts, re-runs, failures.</summary>
public sealed class ArchiveExporterTests
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private static readonly long DayStart = ArchiveExporter.DayRange(Day).FromMs;
    private static readonly long DayEnd = ArchiveExporter.DayRange(Day).ToMs;
    private static readonly ManualClock Clock = new(new DateTimeOffset(2025, 6, 11, 0, 15, 0, TimeSpan.Zero));

    [Fact]
    public void DayRange_IsMidnightToMidnightUtc()
    {
        Assert.Equal(new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), DayStart);
        Assert.Equal(DayStart + 86_400_000, DayEnd);
    }

    [Fact]
    public async Task ExportDay_WritesEveryFixOfTheDay_SortedByCarThenTime()
    {
        await using TempStore store = await TempStore.OpenAsync(Clock);
        var all = new List<StoredFix>();
        foreach (int car in new[] { 3, 1, 10, 2 })
        {
            // Each car starts before the day and ends after it, so the day cuts through its fixes.
            StoredFix[] drive = SyntheticFleet.Drive(SyntheticFleet.CarId(car), car, DayStart - (car * 60_000), 300 + (car * 7), 300_000);
            await store.AddAsync(drive);
            all.AddRange(drive);
        }

        var sink = new MemorySink();
        ArchiveManifest manifest = await Exporter(store.Store, sink).ExportDayAsync(Day, CancellationToken.None);

        StoredFix[] expected = Expected(all);
        Assert.True(expected.Length > 500);
        Assert.Contains(all, f => f.Ts < DayStart);
        Assert.Contains(all, f => f.Ts >= DayEnd);
        ParquetReadBack file = await ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/part-00000.parquet"]);
        Assert.Equal(expected, file.Rows);
        Assert.Equal(["dt=2025-06-10/_manifest.json", "dt=2025-06-10/part-00000.parquet"], sink.Objects.Keys);

        Assert.Equal(expected.Length, manifest.Rows);
        Assert.Equal("2025-06-10", manifest.Day);
        Assert.Equal(DayStart, manifest.FromMs);
        Assert.Equal(DayEnd, manifest.ToMs);
        Assert.Equal("zstd", manifest.Compression);
        Assert.Equal(Clock.Now, manifest.ExportedAt);
        Assert.Equal(["car-0001", "car-0002", "car-0003", "car-0010"], manifest.Cars.Select(c => c.CarId));
        Assert.Equal(expected.GroupBy(f => f.CarId).Select(g => (long)g.Count()), manifest.Cars.Select(c => c.Rows));
        ArchiveManifestFile part = Assert.Single(manifest.Files);
        Assert.Equal(new ArchiveManifestFile("part-00000.parquet", expected.Length, 1, sink.Objects["dt=2025-06-10/part-00000.parquet"].Length, "car-0001", "car-0010"), part);
        Assert.Equal(manifest.ToUtf8Json(), ArchiveManifest.Parse(sink.Objects["dt=2025-06-10/_manifest.json"]).ToUtf8Json());
    }

    [Fact]
    public async Task ExportDay_WithSmallRowGroups_SplitsIntoNumberedPartsOfBoundedSize()
    {
        StoredFix[] all = Fleet(cars: 5, perCar: 230);
        var sink = new MemorySink();
        var options = new ArchiveOptions { RowGroupSize = 100, RowGroupsPerFile = 3, QueryPageSize = 37 };
        ArchiveManifest manifest = await new ArchiveExporter(new ListFixStore(all), sink, options, Clock).ExportDayAsync(Day, CancellationToken.None);

        var rows = new List<StoredFix>();
        for (int i = 0; i < manifest.Files.Count; i++)
        {
            ArchiveManifestFile entry = manifest.Files[i];
            Assert.Equal(ArchiveLayout.PartFileName(i), entry.Name);
            ParquetReadBack file = await ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/" + entry.Name]);
            Assert.Equal(entry.Rows, file.Rows.Count);
            Assert.Equal(entry.RowGroups, file.RowGroups);
            Assert.True(file.RowGroups <= 3);
            Assert.All(file.Metadata.RowGroups, g => Assert.True(g.NumRows <= 100));
            Assert.Equal(entry.FirstCarId, file.Rows[0].CarId);
            Assert.Equal(entry.LastCarId, file.Rows[^1].CarId);
            rows.AddRange(file.Rows);
        }

        Assert.Equal(Expected(all), rows);
        Assert.Equal(4, manifest.Files.Count);
        Assert.Equal([300L, 300, 300, 250], manifest.Files.Select(f => f.Rows));
    }

    [Fact]
    public async Task ExportDay_KeepsTheFirstAndLastMillisecondOfTheDay_AndNothingOutside()
    {
        string car = "car-edge";
        long[] times = [DayStart - 1, DayStart, DayStart + 1, DayEnd - 1, DayEnd, DayEnd + 1];
        StoredFix[] fixes = times.Select((t, i) => SyntheticFleet.Drive(car, 1, t, 1, 1000)[0]).ToArray();
        await using TempStore store = await TempStore.OpenAsync(Clock);
        await store.AddAsync(fixes);

        var sink = new MemorySink();
        ArchiveManifest manifest = await Exporter(store.Store, sink).ExportDayAsync(Day, CancellationToken.None);

        ParquetReadBack file = await ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/part-00000.parquet"]);
        Assert.Equal([DayStart, DayStart + 1, DayEnd - 1], file.Rows.Select(f => f.Ts));
        Assert.Equal(3, manifest.Rows);
        Assert.Equal(new DateTime(2025, 6, 10, 23, 59, 59, 999, DateTimeKind.Utc), DateTime.UnixEpoch.AddMilliseconds(file.Rows[^1].Ts));
    }

    [Fact]
    public async Task ExportDay_OfADayWithoutFixes_WritesAManifestWithZeroRowsAndNoDataFile()
    {
        // Cars exist, but report only on the days around.
        StoredFix[] around = [.. SyntheticFleet.Drive("car-a", 1, DayStart - 3_600_000, 10, 60_000), .. SyntheticFleet.Drive("car-b", 2, DayEnd, 10, 60_000)];
        var sink = new MemorySink();
        ArchiveManifest manifest = await new ArchiveExporter(new ListFixStore(around), sink, new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None);

        Assert.Equal(0, manifest.Rows);
        Assert.Empty(manifest.Files);
        Assert.Empty(manifest.Cars);
        Assert.Equal(["dt=2025-06-10/_manifest.json"], sink.Objects.Keys);

        var empty = new MemorySink();
        ArchiveManifest none = await new ArchiveExporter(new ListFixStore([]), empty, new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal(0, none.Rows);
        Assert.Equal(["dt=2025-06-10/_manifest.json"], empty.Objects.Keys);
    }

    [Fact]
    public async Task ExportDay_Twice_WritesTheSameKeysAndTheSameBytes()
    {
        StoredFix[] all = Fleet(cars: 4, perCar: 260);
        var sink = new MemorySink();
        var options = new ArchiveOptions { RowGroupSize = 100, RowGroupsPerFile = 2 };
        var exporter = new ArchiveExporter(new ListFixStore(all), sink, options, Clock);
        await exporter.ExportDayAsync(Day, CancellationToken.None);
        Dictionary<string, byte[]> first = sink.Objects.ToDictionary();

        await exporter.ExportDayAsync(Day, CancellationToken.None);

        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), sink.Objects.Keys);
        foreach ((string key, byte[] bytes) in first)
        {
            Assert.Equal(bytes, sink.Objects[key]);
        }
    }

    [Fact]
    public async Task ExportDay_AfterALongerExportOfTheSameDay_DeletesTheStaleParts()
    {
        StoredFix[] all = Fleet(cars: 3, perCar: 200);
        var sink = new MemorySink();
        await new ArchiveExporter(new ListFixStore(all), sink, new ArchiveOptions { RowGroupSize = 50, RowGroupsPerFile = 1 }, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal(13, sink.Objects.Count);
        sink.Objects["dt=2025-06-10/notes.txt"] = [1];
        sink.Objects["dt=2025-06-11/part-00005.parquet"] = [2];

        ArchiveManifest manifest = await new ArchiveExporter(new ListFixStore(all), sink, new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None);

        // Only this day's parts are the exporter's to delete; other objects stay.
        Assert.Equal(["dt=2025-06-10/_manifest.json", "dt=2025-06-10/notes.txt", "dt=2025-06-10/part-00000.parquet", "dt=2025-06-11/part-00005.parquet"], sink.Objects.Keys);
        Assert.Equal(600, manifest.Rows);
        Assert.Equal(Expected(all), (await ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/part-00000.parquet"])).Rows);
    }

    [Fact]
    public async Task ExportDay_DeletesTheManifestFirst_AndWritesItLast()
    {
        var sink = new MemorySink();
        await new ArchiveExporter(new ListFixStore(Fleet(cars: 2, perCar: 150)), sink, new ArchiveOptions { RowGroupSize = 100, RowGroupsPerFile = 1 }, Clock).ExportDayAsync(Day, CancellationToken.None);

        Assert.Equal(
            [
                "delete dt=2025-06-10/_manifest.json",
                "put dt=2025-06-10/part-00000.parquet",
                "put dt=2025-06-10/part-00001.parquet",
                "put dt=2025-06-10/part-00002.parquet",
                "list dt=2025-06-10/",
                "put dt=2025-06-10/_manifest.json",
            ],
            sink.Operations);
    }

    [Fact]
    public async Task ExportDay_WhenAPartCannotBeWritten_ThrowsAndLeavesNoManifest_ThenARetryCompletes()
    {
        StoredFix[] all = Fleet(cars: 3, perCar: 120);
        var sink = new MemorySink();
        var options = new ArchiveOptions { RowGroupSize = 100, RowGroupsPerFile = 1 };
        await new ArchiveExporter(new ListFixStore(all), sink, options, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Contains("dt=2025-06-10/_manifest.json", sink.Objects.Keys);

        sink.FailPut = key => key.EndsWith("part-00002.parquet", StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<ArchiveSinkException>(() => new ArchiveExporter(new ListFixStore(all), sink, options, Clock).ExportDayAsync(Day, CancellationToken.None));
        Assert.Contains("part-00002.parquet", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dt=2025-06-10/_manifest.json", sink.Objects.Keys);

        sink.FailPut = null;
        ArchiveManifest manifest = await new ArchiveExporter(new ListFixStore(all), sink, options, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal(360, manifest.Rows);
        Assert.Equal(manifest.ToUtf8Json(), sink.Objects["dt=2025-06-10/_manifest.json"]);
    }

    [Fact]
    public async Task ExportDay_WhenTheStoreReturnsFixesOutOfOrder_ThrowsAndWritesNoManifest()
    {
        var sink = new MemorySink();
        var store = new ListFixStore(Fleet(cars: 1, perCar: 20)) { ReversePages = true };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new ArchiveExporter(store, sink, new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None));
        Assert.Contains("oldest first", e.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Objects);
    }

    [Fact]
    public async Task ExportDay_WhenTheStoreFailsReadingACar_ThrowsItsErrorAndWritesNoManifest()
    {
        var sink = new MemorySink();
        var store = new ListFixStore(Fleet(cars: 6, perCar: 50)) { FailingCar = SyntheticFleet.CarId(4) };
        var e = await Assert.ThrowsAsync<IOException>(() => new ArchiveExporter(store, sink, new ArchiveOptions { QueryPageSize = 10, CarReadAhead = 3 }, Clock).ExportDayAsync(Day, CancellationToken.None));
        Assert.Contains("car-0004", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Objects.Keys, k => k.EndsWith("_manifest.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    public async Task ExportDay_WithAnyReadAhead_WritesTheSameBytes(int readAhead)
    {
        StoredFix[] all = Fleet(cars: 9, perCar: 70);
        var reference = new MemorySink();
        await new ArchiveExporter(new ListFixStore(all), reference, new ArchiveOptions { CarReadAhead = 1, QueryPageSize = 13, RowGroupSize = 100 }, Clock).ExportDayAsync(Day, CancellationToken.None);
        var sink = new MemorySink();
        await new ArchiveExporter(new ListFixStore(all), sink, new ArchiveOptions { CarReadAhead = readAhead, QueryPageSize = 13, RowGroupSize = 100 }, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal(reference.Objects.Keys, sink.Objects.Keys);
        Assert.Equal(reference.Objects["dt=2025-06-10/part-00000.parquet"], sink.Objects["dt=2025-06-10/part-00000.parquet"]);
    }

    [Fact]
    public async Task ExportDay_ReadsEachCarAPageAtATime()
    {
        var store = new ListFixStore(Fleet(cars: 3, perCar: 250));
        await new ArchiveExporter(store, new MemorySink(), new ArchiveOptions { QueryPageSize = 100 }, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal(9, store.Queries);
    }

    [Theory]
    [InlineData("2025-06-11T00:00:00Z", null)]
    [InlineData("2025-06-10T23:59:59.999Z", "is not over yet")]
    [InlineData("2025-06-09T12:00:00Z", "is not over yet")]
    [InlineData("2025-07-09T23:59:59.999Z", null)]
    [InlineData("2025-07-10T00:00:00Z", "older than the store's retention (30 days)")]
    public void CheckDay_AcceptsOnlyDaysThatAreOverAndStillInTheStore(string now, string? problem)
    {
        var exporter = new ArchiveExporter(new ListFixStore([]), new MemorySink(), new ArchiveOptions(), new ManualClock(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
        string? found = exporter.CheckDay(Day);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExportDay_OfADayNotOver_ThrowsWithoutTouchingTheSink()
    {
        var sink = new MemorySink();
        var exporter = new ArchiveExporter(new ListFixStore(Fleet(1, 5)), sink, new ArchiveOptions(), new ManualClock(new DateTimeOffset(2025, 6, 10, 18, 0, 0, TimeSpan.Zero)));
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => exporter.ExportDayAsync(Day, CancellationToken.None));
        Assert.Contains("not over yet", e.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Operations);
    }

    [Theory]
    [InlineData(0, 10, 1000, "Archive:RowGroupSize")]
    [InlineData(1_000_001, 10, 1000, "Archive:RowGroupSize")]
    [InlineData(100, 0, 1000, "Archive:RowGroupsPerFile")]
    [InlineData(1_000_000, 10_000, 1000, "Archive:RowGroupsPerFile")]
    [InlineData(100, 10, 0, "Archive:QueryPageSize")]
    [InlineData(100, 10, 10_001, "Archive:QueryPageSize")]
    public void Options_OutOfRange_FailNamingTheKey(int rowGroupSize, int rowGroupsPerFile, int pageSize, string key)
    {
        var options = new ArchiveOptions { RowGroupSize = rowGroupSize, RowGroupsPerFile = rowGroupsPerFile, QueryPageSize = pageSize };
        var e = Assert.Throws<ArgumentException>(() => new ArchiveExporter(new ListFixStore([]), new MemorySink(), options, Clock));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadCompressionReadAheadOrRetention_FailNamingTheKey()
    {
        Assert.Contains("Archive:Compression", Assert.Throws<ArgumentException>(() => new ArchiveOptions { Compression = (ArchiveCompression)7 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("Archive:CarReadAhead", Assert.Throws<ArgumentException>(() => new ArchiveOptions { CarReadAhead = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("Archive:StoreRetention", Assert.Throws<ArgumentException>(() => new ArchiveOptions { StoreRetention = TimeSpan.FromHours(3) }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportDay_WithSnappy_ReadsBackTheSame()
    {
        StoredFix[] all = Fleet(cars: 2, perCar: 50);
        var sink = new MemorySink();
        ArchiveManifest manifest = await new ArchiveExporter(new ListFixStore(all), sink, new ArchiveOptions { Compression = ArchiveCompression.Snappy }, Clock).ExportDayAsync(Day, CancellationToken.None);
        Assert.Equal("snappy", manifest.Compression);
        ParquetReadBack file = await ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/part-00000.parquet"]);
        Assert.Equal(Expected(all), file.Rows);
        Assert.All(file.Metadata.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, c.MetaData!.Codec));
    }

    [Fact]
    public void Manifest_ThatIsNotJsonOrNotAnObject_IsAJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => ArchiveManifest.Parse("{\"rows\": 1"u8));
        Assert.ThrowsAny<JsonException>(() => ArchiveManifest.Parse("[1,2]"u8));
        Assert.ThrowsAny<JsonException>(() => ArchiveManifest.Parse("null"u8));
        Assert.ThrowsAny<JsonException>(() => ArchiveManifest.Parse("{\"rows\": \"many\"}"u8));
    }

    /// <summary>Random fleets (cars, times inside and outside the day, unknowns): the files hold exactly the day's fixes, in order.</summary>
    [Property(MaxTest = 60)]
    public Property AnyFleet_ReadsBackAsTheDaysFixesSortedByCarThenTime() =>
        Prop.ForAll(
            Gen.ListOf(FixGen()).ToArbitrary(),
            Gen.Choose(1, 40).ToArbitrary(),
            (fixes, rowGroupSize) =>
            {
                StoredFix[] unique = fixes.DistinctBy(f => (f.CarId, f.Ts)).ToArray();
                var sink = new MemorySink();
                var options = new ArchiveOptions { RowGroupSize = rowGroupSize, RowGroupsPerFile = 2, QueryPageSize = 7 };
                ArchiveManifest manifest = new ArchiveExporter(new ListFixStore(unique), sink, options, Clock).ExportDayAsync(Day, CancellationToken.None).GetAwaiter().GetResult();
                var rows = new List<StoredFix>();
                foreach (ArchiveManifestFile file in manifest.Files)
                {
                    rows.AddRange(ParquetReadBack.ReadAsync(sink.Objects["dt=2025-06-10/" + file.Name]).GetAwaiter().GetResult().Rows);
                }

                return Expected(unique).SequenceEqual(rows) && manifest.Rows == rows.Count;
            });

    private static Gen<StoredFix> FixGen() =>
        from car in Gen.Elements("a", "B", "car-1", "car-10", "car-2", "Ünï")
        from ts in Gen.Choose(-3_600_000, 90_000_000).Select(o => DayStart + o)
        from lat in Gen.Choose(-900_000_000, 900_000_000)
        from lon in Gen.Choose(-1_800_000_000, 1_800_000_000)
        from alt in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(-50_000, 900_000).Select(v => (int?)v))
        from speed in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 90_000).Select(v => (int?)v))
        from sats in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 40).Select(v => (int?)v))
        from flags in Gen.Choose(0, 3)
        select new StoredFix(car, ts, lat, lon, alt, speed, speed is null ? null : 100, sats is null ? null : 90, sats, (byte)(2 + (flags % 2)), (byte)(1 + flags), (flags & 1) == 1, (flags & 2) == 2, ts + 900);

    private static ArchiveExporter Exporter(IFixStore store, IArchiveSink sink) => new(store, sink, new ArchiveOptions(), Clock);

    private static StoredFix[] Fleet(int cars, int perCar) =>
        Enumerable.Range(0, cars).SelectMany(c => SyntheticFleet.Drive(SyntheticFleet.CarId(c), c, DayStart + 1000 + (c * 3), perCar, 10_000)).ToArray();

    private static StoredFix[] Expected(IEnumerable<StoredFix> all) =>
        all.Where(f => f.Ts >= DayStart && f.Ts < DayEnd).OrderBy(f => f.CarId, StringComparer.Ordinal).ThenBy(f => f.Ts).ToArray(); // no odometer since schema 2
}
