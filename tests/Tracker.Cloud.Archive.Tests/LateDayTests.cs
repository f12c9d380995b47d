using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Data.Sqlite;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// A fixes day that gets late data after its export is exported again the next night: the store marks the day as it
/// stores the late fix (SQLite in the same transaction, DynamoDB one update per late day of the batch), the nightly run
/// re-exports each marked day and clears its mark only once the day is written, and only if it was not marked again
/// meanwhile. Re-exporting replaces the day's part: no row twice.
/// </summary>
public sealed class LateDayTests(S3rverServer s3rver, DynaliteServer dynalite) : IClassFixture<S3rverServer>, IClassFixture<DynaliteServer>
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private static readonly long DayStart = ArchiveExporter.DayRange(Day).FromMs;
    private static readonly DateTimeOffset NextNight = new(2025, 6, 11, 0, 15, 30, TimeSpan.Zero);

    [Fact]
    public async Task ALateFixOfAnExportedDay_IsExportedAgainTheNextNight_OnceAndWithoutDuplicates()
    {
        var clock = new ManualClock(NextNight.AddHours(-12));
        await using TempStore store = await TempStore.OpenAsync(clock);
        StoredFix[] drive = SyntheticFleet.Drive("car-0042", 42, DayStart + 3_600_000, 60, 10_000);
        await store.AddAsync(drive);
        Assert.Empty(await store.Store.ListLateDaysAsync(CancellationToken.None)); // stored on its own day: not late

        var sink = new MemorySink();
        clock.Now = NextNight;
        JsonElement first = await RunAsync(Handler(store.Store, sink, clock), "{\"time\": \"2025-06-11T00:15:00Z\"}");
        Assert.Equal(60, first.GetProperty("rows").GetInt64());
        Assert.Empty(first.GetProperty("lateDays").EnumerateArray());

        // The car's backlog of that day arrives in the morning (with one fix it had sent already).
        clock.Now = NextNight.AddHours(10);
        StoredFix late = drive[^1] with { Ts = drive[^1].Ts + 10_000, ReceivedMs = clock.NowMs };
        await store.Store.AppendAsync("car-0042", [late, drive[5]], CancellationToken.None);
        LateDay mark = Assert.Single(await store.Store.ListLateDaysAsync(CancellationToken.None));
        Assert.Equal(Day, mark.Day);

        clock.Now = NextNight.AddDays(1);
        JsonElement second = await RunAsync(Handler(store.Store, sink, clock), "{\"time\": \"2025-06-12T00:15:00Z\"}");
        Assert.Equal(["2025-06-10"], second.GetProperty("lateDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(61, ArchiveManifest.Parse(sink.Objects["dt=2025-06-10/_manifest.json"]).Rows);
        Assert.Empty(await store.Store.ListLateDaysAsync(CancellationToken.None));

        // The schedule's retry, or the next night: nothing left to export again.
        sink.Operations.Clear();
        JsonElement third = await RunAsync(Handler(store.Store, sink, clock), "{\"time\": \"2025-06-12T00:15:00Z\"}");
        Assert.Empty(third.GetProperty("lateDays").EnumerateArray());
        Assert.DoesNotContain(sink.Operations, o => o.Contains("2025-06-10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMarkMadeWhileItsDayIsExported_Survives_AndACrashBeforeTheClearExportsAgain()
    {
        var clock = new ManualClock(NextNight.AddHours(10));
        await using TempStore store = await TempStore.OpenAsync(clock);
        StoredFix[] drive = SyntheticFleet.Drive("car-0042", 42, DayStart + 3_600_000, 20, 10_000);
        await store.AddAsync(drive[..10]);
        LateDay listed = Assert.Single(await store.Store.ListLateDaysAsync(CancellationToken.None));

        // More late fixes after the list was read (while the day is being exported): the clear keeps the mark.
        await store.Store.AppendAsync("car-0042", drive[10..], CancellationToken.None);
        Assert.False(await store.Store.ClearLateDayAsync(listed, CancellationToken.None));
        LateDay again = Assert.Single(await store.Store.ListLateDaysAsync(CancellationToken.None));
        Assert.NotEqual(listed.Mark, again.Mark);

        // A run that dies writing the day leaves the mark: the next run exports it.
        clock.Now = NextNight.AddDays(1);
        var failing = new MemorySink { FailPut = key => key.StartsWith("dt=2025-06-10/", StringComparison.Ordinal) };
        await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(Handler(store.Store, failing, clock), "{\"time\": \"2025-06-12T00:15:00Z\"}"));
        Assert.Single(await store.Store.ListLateDaysAsync(CancellationToken.None));
        var sink = new MemorySink();
        JsonElement next = await RunAsync(Handler(store.Store, sink, clock), "{\"time\": \"2025-06-12T00:15:00Z\"}");
        Assert.Equal(["2025-06-10"], next.GetProperty("lateDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(20, ArchiveManifest.Parse(sink.Objects["dt=2025-06-10/_manifest.json"]).Rows);
        Assert.Empty(await store.Store.ListLateDaysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ADamagedMarkRow_IsAnErrorNamingIt_AndAForeignMarkIsRefused()
    {
        var clock = new ManualClock(NextNight);
        await using TempStore store = await TempStore.OpenAsync(clock);
        await store.AddAsync(SyntheticFleet.Drive("car-0042", 42, DayStart, 3, 10_000));
        await using (var connection = new SqliteConnection("Data Source=" + store.Path))
        {
            await connection.OpenAsync();
            await using SqliteCommand damage = connection.CreateCommand();
            damage.CommandText = "INSERT INTO late_days (day, marks) VALUES ('2025-13-01', 1);";
            await damage.ExecuteNonQueryAsync();
        }

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => store.Store.ListLateDaysAsync(CancellationToken.None));
        Assert.Contains("2025-13-01", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.Store.ClearLateDayAsync(new LateDay(Day, "3:1"), CancellationToken.None));
    }

    [FactNeeding(Part.S3rver, Part.Dynalite)]
    public async Task OnDynamoDbAndS3_ALateBatchMarksItsDayOnce_AndTheNextNightExportsItAgain()
    {
        string bucket = await s3rver.CreateBucketAsync();
        string tables = "l" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = tables + "-fixes",
            [FunctionSettings.LatestTableVariable] = tables + "-latest",
            [FunctionSettings.RentalsTableVariable] = tables + "-rentals",
            [ArchiveSettings.BucketVariable] = bucket,
        };
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient dynamoDb = dynalite.CreateClient();
        using AmazonS3Client s3 = s3rver.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(dynamoDb, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        var clock = new ManualClock(NextNight.AddHours(-12));
        var ingest = new DynamoDbStore(dynamoDb, new DynamoDbStoreOptions { FixesTable = tables + "-fixes", LatestTable = tables + "-latest", RentalsTable = tables + "-rentals", Clock = clock });
        StoredFix[] drive = SyntheticFleet.Drive("car-0042", 42, DayStart + 3_600_000, 40, 10_000);
        await ingest.AppendAsync("car-0042", drive[..30], CancellationToken.None);
        await ingest.AdvanceLatestAsync(drive[29], CancellationToken.None);
        Assert.Empty(await ingest.ListLateDaysAsync(CancellationToken.None));

        JsonElement first = await InvokeAsync(settings, environment, dynamoDb, s3, NextNight);
        Assert.Equal((30L, 1), (first.GetProperty("rows").GetInt64(), first.GetProperty("cars").GetInt32()));

        // Two late batches of the day (one with a fix already stored): one mark, counted twice.
        clock.Now = NextNight.AddHours(9);
        await ingest.AppendAsync("car-0042", drive[30..35], CancellationToken.None);
        await ingest.AppendAsync("car-0042", [drive[29], .. drive[35..]], CancellationToken.None);
        LateDay mark = Assert.Single(await ingest.ListLateDaysAsync(CancellationToken.None));
        Assert.Equal(Day, mark.Day);
        Assert.EndsWith(":2", mark.Mark, StringComparison.Ordinal);

        JsonElement second = await InvokeAsync(settings, environment, dynamoDb, s3, NextNight.AddDays(1));
        Assert.Equal(["2025-06-10"], second.GetProperty("lateDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(40, ArchiveManifest.Parse(await ReadAsync(await s3.GetObjectAsync(bucket, "fixes/dt=2025-06-10/_manifest.json"))).Rows);
        Assert.Empty(await ingest.ListLateDaysAsync(CancellationToken.None));

        JsonElement third = await InvokeAsync(settings, environment, dynamoDb, s3, NextNight.AddDays(1));
        Assert.Empty(third.GetProperty("lateDays").EnumerateArray());
    }

    private static ArchiveHandler Handler(IFixStore store, MemorySink sink, TimeProvider clock) =>
        new(new ArchiveExporter(store, sink, new ArchiveOptions(), clock), sink, TextWriter.Null, null, (ILateDays)store);

    private static async Task<JsonElement> RunAsync(ArchiveHandler handler, string evt)
    {
        using Stream output = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt)), CancellationToken.None);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task<JsonElement> InvokeAsync(FunctionSettings settings, Dictionary<string, string> environment, IAmazonDynamoDB dynamoDb, IAmazonS3 s3, DateTimeOffset at)
    {
        var function = new ArchiveFunction(settings, ArchiveSettings.Read(environment.GetValueOrDefault), dynamoDb, s3, new ManualClock(at));
        string evt = "{\"time\": \"" + at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "\"}";
        using Stream output = await function.FunctionHandler(new MemoryStream(Encoding.UTF8.GetBytes(evt)));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task<byte[]> ReadAsync(GetObjectResponse response)
    {
        using (response)
        {
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }
}
