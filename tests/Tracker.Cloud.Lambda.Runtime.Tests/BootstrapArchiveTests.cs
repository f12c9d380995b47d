using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>The published bootstrap of the archive function on EventBridge's scheduled event, DynamoDB on dynalite, S3 on s3rver.</summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapArchiveTests(PublishedPackage package, DynaliteServer dynalite, S3rverServer s3rver, ITestOutputHelper output)
    : IClassFixture<DynaliteServer>, IClassFixture<S3rverServer>
{
    [BootstrapFact]
    public async Task ScheduledEvent_ExportsYesterdayAsParquetReadableBack()
    {
        string bucket = await s3rver.CreateBucketAsync();
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], dynalite.ServiceUrl);
        environment[ArchiveSettings.BucketVariable] = bucket;
        environment[ArchiveSettings.TripsTableVariable] = environment[FunctionSettings.FixesTableVariable] + "-trips";
        environment["AWS_ENDPOINT_URL_S3"] = s3rver.ServiceUrl.ToString().TrimEnd('/');
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient dynamoDb = dynalite.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(dynamoDb, settings.Store, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbStore(dynamoDb, settings.Store);

        // The schedule fires after midnight UTC for the day before: put fixes on yesterday, in the store's 30 days.
        DateOnly yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        long dayStart = ArchiveExporter.DayRange(yesterday).FromMs;
        StoredFix[] drive = SyntheticFleet.Drive("car-0042", 42, dayStart + 3_600_000, 40, 10_000);
        await store.AppendAsync("car-0042", drive, CancellationToken.None);
        await store.AdvanceLatestAsync(drive[^1], CancellationToken.None);

        // A trip on yesterday in the DynamoDB trips store: the trips table of the archive, through the native code.
        await DynamoDbTripStore.EnsureCreatedAsync(dynamoDb, environment[ArchiveSettings.TripsTableVariable], TimeSpan.FromSeconds(10), CancellationToken.None);
        var trip = new Trip { CarId = "car-0042", StartTs = drive[0].Ts, EndTs = drive[^1].Ts, StartLatE7 = drive[0].LatE7, StartLonE7 = drive[0].LonE7, EndLatE7 = drive[^1].LatE7, EndLonE7 = drive[^1].LonE7, DistanceM = 4_321.5, Fixes = drive.Length, DecidedTs = drive[^1].Ts };
        await new DynamoDbTripStore(dynamoDb, environment[ArchiveSettings.TripsTableVariable]).ApplyAsync("car-0042", long.MaxValue, [trip], [], CancellationToken.None);

        await using RunningFunction archive = await RunningFunction.StartAsync(package, FunctionCatalog.Archive, environment, output);
        JsonObject scheduled = LambdaEvents.Sample("scheduled-archive.json");
        scheduled["time"] = DateTime.UtcNow.Date.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        JsonElement summary = await archive.RespondAsync(scheduled.ToJsonString(), new Cli.Runtime.RuntimeApiInvocation { Timeout = TimeSpan.FromMinutes(2) });

        string day = yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(day, summary.GetProperty("day").GetString());
        Assert.Equal(drive.Length, summary.GetProperty("rows").GetInt64());
        using AmazonS3Client s3 = s3rver.CreateClient();
        using GetObjectResponse part = await s3.GetObjectAsync(bucket, "fixes/dt=" + day + "/part-00000.parquet");
        using var buffer = new MemoryStream();
        await part.ResponseStream.CopyToAsync(buffer);
        ParquetReadBack file = await ParquetReadBack.ReadAsync(buffer.ToArray());
        Assert.Equal(drive, file.Rows);
        Assert.Single(archive.LogLines(), l => l.TryGetProperty("manifest", out _));
        Assert.Equal((1, 1), (summary.GetProperty("trips").GetInt32(), summary.GetProperty("tripDaysWritten").GetInt32() > 0 ? 1 : 0));
        using GetObjectResponse trips = await s3.GetObjectAsync(bucket, "trips/dt=" + day + "/part-00000.parquet");
        using var tripBytes = new MemoryStream();
        await trips.ResponseStream.CopyToAsync(tripBytes);
        await using Parquet.ParquetReader reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(tripBytes.ToArray()));
        Assert.Equal(Tracker.Cloud.Archive.Schema.TripArchiveSchema.TripColumns.Select(c => c.Name), reader.Schema.DataFields.Select(f => f.Name));
        using Parquet.ParquetRowGroupReader group = reader.OpenRowGroupReader(0);
        var distance = new double[1];
        await group.ReadAsync<double>(reader.Schema.DataFields.Single(f => f.Name == "distance_m"), distance.AsMemory());
        Assert.Equal(4_321.5, distance[0]);
    }
}
