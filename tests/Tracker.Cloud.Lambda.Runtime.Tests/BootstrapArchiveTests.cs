using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;
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
        Assert.Equal(drive.Select(f => f with { OdometerM = null }), file.Rows); // the archive has no odometer (schema 2)
        Assert.Single(archive.LogLines(), l => l.TryGetProperty("manifest", out _));
    }
}
