using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>The archive function as Lambda builds it, on the sample scheduled event, against dynalite (the store) and s3rver (the bucket).</summary>
public sealed class DeployedArchiveFunctionTests(S3rverServer s3rver, DynaliteServer dynalite) : IClassFixture<S3rverServer>, IClassFixture<DynaliteServer>
{
    [FactNeeding(Part.S3rver, Part.Dynalite)]
    public async Task SampleScheduledEvent_ExportsThePreviousDayFromDynamoDbToS3()
    {
        string bucket = await s3rver.CreateBucketAsync();
        string tables = "a" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = tables + "-fixes",
            [FunctionSettings.LatestTableVariable] = tables + "-latest",
            [FunctionSettings.RentalsTableVariable] = tables + "-rentals",
            [ArchiveSettings.BucketVariable] = bucket,
            [ArchiveSettings.TripsTableVariable] = tables + "-trips",
        };
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient dynamoDb = dynalite.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(dynamoDb, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbStore(dynamoDb, settings.Store);
        long dayStart = ArchiveExporter.DayRange(new DateOnly(2025, 6, 10)).FromMs;
        var all = new List<StoredFix>();
        foreach ((string car, int index, long start) in new[] { ("car-0042", 42, dayStart - 30_000), ("car-0007", 7, dayStart + 86_000_000) })
        {
            StoredFix[] drive = SyntheticFleet.Drive(car, index, start, 60, 10_000);
            await store.AppendAsync(car, drive, CancellationToken.None);
            await store.AdvanceLatestAsync(drive[^1], CancellationToken.None);
            all.AddRange(drive);
        }

        // A trip of car-0042 on the day, through the DynamoDB trips store the ingest path writes.
        await DynamoDbTripStore.EnsureCreatedAsync(dynamoDb, tables + "-trips", TimeSpan.FromSeconds(10), CancellationToken.None);
        var trip = new Trip
        {
            CarId = "car-0042", StartTs = dayStart + 3_600_000, EndTs = dayStart + 4_200_000, StartLatE7 = 525_000_000, StartLonE7 = 134_000_000,
            EndLatE7 = 526_000_000, EndLonE7 = 134_100_000, DistanceM = 11_000, EstimatedM = 500, MaxSpeedMmps = 30_000, Fixes = 60, StartOdometerM = 42, DecidedTs = dayStart + 4_320_000,
        };
        await new DynamoDbTripStore(dynamoDb, tables + "-trips").ApplyAsync("car-0042", long.MaxValue, [trip], [], CancellationToken.None);

        using AmazonS3Client s3 = s3rver.CreateClient();
        var function = new ArchiveFunction(settings, ArchiveSettings.Read(environment.GetValueOrDefault), dynamoDb, s3, new ManualClock(new DateTimeOffset(2025, 6, 11, 0, 15, 30, TimeSpan.Zero)));
        string sample = LambdaEvents.SampleText("scheduled-archive.json");
        using Stream response = await function.FunctionHandler(new MemoryStream(Encoding.UTF8.GetBytes(sample)));

        using JsonDocument summary = await JsonDocument.ParseAsync(response);
        StoredFix[] expected = all.Where(f => f.Ts >= dayStart && f.Ts < dayStart + 86_400_000).OrderBy(f => f.CarId, StringComparer.Ordinal).ThenBy(f => f.Ts).ToArray();
        Assert.Equal(expected.Length, summary.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal($"s3://{bucket}/fixes/dt=2025-06-10/_manifest.json", summary.RootElement.GetProperty("manifest").GetString());
        using GetObjectResponse part = await s3.GetObjectAsync(bucket, "fixes/dt=2025-06-10/part-00000.parquet");
        using var buffer = new MemoryStream();
        await part.ResponseStream.CopyToAsync(buffer);
        ParquetReadBack file = await ParquetReadBack.ReadAsync(buffer.ToArray());
        S3ArchiveTests.AssertSchema(file);
        Assert.Equal(expected, file.Rows);

        // The trips: the 29 days the store holds, each with a manifest (S3's 404 for a day never exported read as "none").
        Assert.Equal((29, 29, 1), (summary.RootElement.GetProperty("tripDays").GetInt32(), summary.RootElement.GetProperty("tripDaysWritten").GetInt32(), summary.RootElement.GetProperty("trips").GetInt32()));
        using GetObjectResponse trips = await s3.GetObjectAsync(bucket, "trips/dt=2025-06-10/part-00000.parquet");
        Assert.Equal(ArchiveExporter.ParquetContentType, trips.Headers.ContentType);
        ArchiveManifest manifest = ArchiveManifest.Parse(await ReadAsync(await s3.GetObjectAsync(bucket, "trips/dt=2025-06-10/_manifest.json")));
        Assert.Equal((1L, "car-0042"), (manifest.Rows, manifest.Cars.Single().CarId));
        Assert.Equal(0, ArchiveManifest.Parse(await ReadAsync(await s3.GetObjectAsync(bucket, "stops/dt=2025-05-13/_manifest.json"))).Rows);

        // The next night, nothing changed: no day written again.
        using Stream next = await function.FunctionHandler(new MemoryStream(Encoding.UTF8.GetBytes(sample)));
        using JsonDocument nextSummary = await JsonDocument.ParseAsync(next);
        Assert.Equal(0, nextSummary.RootElement.GetProperty("tripDaysWritten").GetInt32());
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
