using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Parquet.Meta;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>
/// A day exported from a SQLite store to s3rver, then downloaded and read back with Parquet.Net: the
/// partition path, the schema, the rows per car and their values, re-runs, an empty day, failures.
/// </summary>
public sealed class S3ArchiveTests(S3rverServer server) : IClassFixture<S3rverServer>
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private static readonly long DayStart = ArchiveExporter.DayRange(Day).FromMs;
    private static readonly long DayEnd = ArchiveExporter.DayRange(Day).ToMs;
    private static readonly ManualClock Clock = new(new DateTimeOffset(2025, 6, 11, 0, 15, 0, TimeSpan.Zero));

    [FactNeeding(Part.S3rver)]
    public async Task ExportDay_ToS3_ReadsBackWithTheSchemaTheRowsPerCarAndTheValues()
    {
        string bucket = await server.CreateBucketAsync();
        await using TempStore store = await TempStore.OpenAsync(Clock);
        List<StoredFix> all = await FillAsync(store);
        using AmazonS3Client client = server.CreateClient();
        var sink = new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = bucket });
        var options = new ArchiveOptions { RowGroupSize = 250, RowGroupsPerFile = 2 };

        ArchiveManifest manifest = await new ArchiveExporter(store.Store, sink, options, Clock).ExportDayAsync(Day, CancellationToken.None);

        // The partition path: fixes/dt=2025-06-10/, the parts in order, the manifest.
        IReadOnlyList<string> keys = await ListAsync(client, bucket);
        string[] partKeys = manifest.Files.Select(f => "fixes/dt=2025-06-10/" + f.Name).ToArray();
        Assert.Equal([.. partKeys.Prepend("fixes/dt=2025-06-10/_manifest.json")], keys);
        Assert.Equal(["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"], manifest.Files.Select(f => f.Name));

        var rows = new List<StoredFix>();
        foreach (string key in partKeys)
        {
            using GetObjectResponse response = await client.GetObjectAsync(bucket, key);
            Assert.Equal(ArchiveExporter.ParquetContentType, response.Headers.ContentType);
            ParquetReadBack file = await ParquetReadBack.ReadAsync(await ReadAllAsync(response.ResponseStream));
            AssertSchema(file);
            Assert.Equal("2025-06-10", file.CustomMetadata["tracker.archive.day"]);
            Assert.Equal(ArchiveSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), file.CustomMetadata["tracker.archive.schema_version"]);
            for (int i = 0; i < file.Rows.Count; i++)
            {
                Assert.Equal(file.Rows[i].LatE7 / 1e7, file.Degrees[i].Lat);
                Assert.Equal(file.Rows[i].LonE7 / 1e7, file.Degrees[i].Lon);
            }

            rows.AddRange(file.Rows);
        }

        // Values equal to the store's (nulls stay null), sorted by (car, ts) across the parts, the boundaries kept.
        StoredFix[] expected = all.Where(f => f.Ts >= DayStart && f.Ts < DayEnd).OrderBy(f => f.CarId, StringComparer.Ordinal).ThenBy(f => f.Ts).ToArray();
        Assert.Equal(expected, rows);
        Assert.Contains(rows, f => f.Ts == DayStart);
        Assert.Contains(rows, f => f.Ts == DayEnd - 1);
        Assert.DoesNotContain(rows, f => f.Ts == DayEnd);
        Assert.Contains(rows, f => f.AltCm is null);

        // Rows per car, from the files, the store and the manifest.
        foreach (IGrouping<string, StoredFix> car in rows.GroupBy(f => f.CarId))
        {
            FixPage page = await store.Store.QueryAsync(car.Key, DayStart, DayEnd, 10_000, null, CancellationToken.None);
            Assert.Equal(page.Fixes.Count, car.Count());
            Assert.Equal(car.Count(), manifest.Cars.Single(c => c.CarId == car.Key).Rows);
        }

        using GetObjectResponse manifestObject = await client.GetObjectAsync(bucket, "fixes/dt=2025-06-10/_manifest.json");
        Assert.Equal(manifest.ToUtf8Json(), ArchiveManifest.Parse(await ReadAllAsync(manifestObject.ResponseStream)).ToUtf8Json());
        Assert.Equal(expected.Length, manifest.Rows);
    }

    [FactNeeding(Part.S3rver)]
    public async Task ExportDay_ToS3Twice_KeepsTheSameKeysWithoutDuplicates()
    {
        string bucket = await server.CreateBucketAsync();
        await using TempStore store = await TempStore.OpenAsync(Clock);
        await FillAsync(store);
        using AmazonS3Client client = server.CreateClient();
        var exporter = new ArchiveExporter(store.Store, new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = bucket, Prefix = "archive/v1/" }), new ArchiveOptions { RowGroupSize = 400, RowGroupsPerFile = 1 }, Clock);

        ArchiveManifest first = await exporter.ExportDayAsync(Day, CancellationToken.None);
        IReadOnlyList<string> keysAfterFirst = await ListAsync(client, bucket);
        ArchiveManifest second = await exporter.ExportDayAsync(Day, CancellationToken.None);
        IReadOnlyList<string> keysAfterSecond = await ListAsync(client, bucket);

        Assert.Equal(keysAfterFirst, keysAfterSecond);
        Assert.All(keysAfterSecond, k => Assert.StartsWith("archive/v1/dt=2025-06-10/", k, StringComparison.Ordinal));
        Assert.Equal(first.Rows, second.Rows);
        long rowsInFiles = 0;
        foreach (string key in keysAfterSecond.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            using GetObjectResponse response = await client.GetObjectAsync(bucket, key);
            rowsInFiles += (await ParquetReadBack.ReadAsync(await ReadAllAsync(response.ResponseStream))).Rows.Count;
        }

        Assert.Equal(second.Rows, rowsInFiles);
    }

    [FactNeeding(Part.S3rver)]
    public async Task ExportDay_OfADayWithoutFixes_ToS3_WritesOnlyTheManifest()
    {
        string bucket = await server.CreateBucketAsync();
        await using TempStore store = await TempStore.OpenAsync(Clock);
        await store.AddAsync(SyntheticFleet.Drive("car-0001", 1, DayEnd + 5_000, 10, 5_000));
        using AmazonS3Client client = server.CreateClient();

        ArchiveManifest manifest = await new ArchiveExporter(store.Store, new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = bucket }), new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None);

        Assert.Equal(0, manifest.Rows);
        Assert.Equal(["fixes/dt=2025-06-10/_manifest.json"], await ListAsync(client, bucket));
    }

    [FactNeeding(Part.S3rver)]
    public async Task Put_SendsAContentLengthWithoutChunkEncoding_AndTheKmsKeyWhenConfigured()
    {
        string bucket = await server.CreateBucketAsync();
        using var client = new RecordingS3Client(AwsTestClients.S3Config(server.ServiceUrl));
        var sink = new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = bucket, KmsKeyId = "alias/tracker-archive" });

        await sink.PutAsync("dt=2025-06-10/part-00000.parquet", new byte[] { 1, 2, 3 }, ArchiveExporter.ParquetContentType, CancellationToken.None);

        PutObjectRequest put = Assert.Single(client.Puts);
        Assert.False(put.UseChunkEncoding);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        Assert.Equal("alias/tracker-archive", put.ServerSideEncryptionKeyManagementServiceKeyId);
        using GetObjectResponse response = await client.GetObjectAsync(bucket, "fixes/dt=2025-06-10/part-00000.parquet");
        Assert.Equal([1, 2, 3], await ReadAllAsync(response.ResponseStream));

        var plain = new RecordingS3Client(AwsTestClients.S3Config(server.ServiceUrl));
        await new S3ArchiveSink(plain, new S3ArchiveSinkOptions { Bucket = bucket }).PutAsync("k", new byte[] { 4 }, "application/json", CancellationToken.None);
        Assert.Null(Assert.Single(plain.Puts).ServerSideEncryptionKeyManagementServiceKeyId);
        plain.Dispose();
    }

    [FactNeeding(Part.S3rver)]
    public async Task ExportDay_WhenS3RefusesAPart_ThrowsNamingTheObject_AndLeavesNoManifest()
    {
        string bucket = await server.CreateBucketAsync();
        await using TempStore store = await TempStore.OpenAsync(Clock);
        await FillAsync(store);
        using var client = new RecordingS3Client(AwsTestClients.S3Config(server.ServiceUrl));
        var sink = new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = bucket });
        var options = new ArchiveOptions { RowGroupSize = 500, RowGroupsPerFile = 1 };
        await new ArchiveExporter(store.Store, sink, options, Clock).ExportDayAsync(Day, CancellationToken.None);

        client.FailPut = key => key.EndsWith("part-00001.parquet", StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<ArchiveSinkException>(() => new ArchiveExporter(store.Store, sink, options, Clock).ExportDayAsync(Day, CancellationToken.None));

        Assert.Contains($"s3://{bucket}/fixes/dt=2025-06-10/part-00001.parquet", e.Message, StringComparison.Ordinal);
        Assert.Contains("SlowDown", e.Message, StringComparison.Ordinal);
        Assert.IsType<AmazonS3Exception>(e.InnerException);
        Assert.DoesNotContain("fixes/dt=2025-06-10/_manifest.json", await ListAsync(client, bucket));
    }

    [FactNeeding(Part.S3rver)]
    public async Task ExportDay_ToABucketThatDoesNotExist_ThrowsNamingTheBucket()
    {
        await using TempStore store = await TempStore.OpenAsync(Clock);
        await FillAsync(store);
        using AmazonS3Client client = server.CreateClient();
        var sink = new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] });

        var e = await Assert.ThrowsAsync<ArchiveSinkException>(() => new ArchiveExporter(store.Store, sink, new ArchiveOptions(), Clock).ExportDayAsync(Day, CancellationToken.None));
        Assert.Contains("s3://no-such-bucket-", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Checks a file's schema against <see cref="ArchiveSchema.Columns"/>: names in order, nullability, physical and logical types.</summary>
    internal static void AssertSchema(ParquetReadBack file)
    {
        Assert.Equal(ArchiveSchema.Columns.Select(c => c.Name), file.Schema.DataFields.Select(f => f.Name));
        Assert.Equal(ArchiveSchema.Columns.Select(c => c.Nullable), file.Schema.DataFields.Select(f => f.IsNullable));
        foreach (ArchiveColumn column in ArchiveSchema.Columns)
        {
            SchemaElement element = file.Metadata.Schema.Single(e => e.Name == column.Name);
            Assert.Equal(column.Nullable ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED, element.RepetitionType);
            switch (column.GlueType)
            {
                case "string":
                    Assert.Equal(Parquet.Meta.Type.BYTE_ARRAY, element.Type);
                    Assert.NotNull(element.LogicalType?.STRING);
                    break;
                case "timestamp":
                    // TIMESTAMP_MILLIS is TIMESTAMP(isAdjustedToUTC=true, MILLIS) (parquet-format LogicalTypes.md).
                    Assert.Equal(Parquet.Meta.Type.INT64, element.Type);
                    Assert.Equal(ConvertedType.TIMESTAMP_MILLIS, element.ConvertedType);
                    break;
                case "double":
                    Assert.Equal(Parquet.Meta.Type.DOUBLE, element.Type);
                    break;
                case "int":
                    Assert.Equal(Parquet.Meta.Type.INT32, element.Type);
                    break;
                case "bigint":
                    Assert.Equal(Parquet.Meta.Type.INT64, element.Type);
                    break;
                case "boolean":
                    Assert.Equal(Parquet.Meta.Type.BOOLEAN, element.Type);
                    break;
                default:
                    Assert.Fail($"column {column.Name}: unexpected Glue type {column.GlueType}");
                    break;
            }
        }

        // car_id is dictionary-encoded in every row group (sorted, it holds a few distinct values).
        foreach (RowGroup group in file.Metadata.RowGroups)
        {
            ColumnChunk car = group.Columns.Single(c => c.MetaData!.PathInSchema.SequenceEqual([ArchiveSchema.CarId]));
            Assert.Contains(car.MetaData!.Encodings, e => e is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY);
        }
    }

    /// <summary>Six cars over the day, one with fixes on both boundaries, and fixes of the days around.</summary>
    private static async Task<List<StoredFix>> FillAsync(TempStore store)
    {
        var all = new List<StoredFix>();
        for (int c = 0; c < 5; c++)
        {
            StoredFix[] drive = SyntheticFleet.Drive(SyntheticFleet.CarId(c), c, DayStart - 600_000 + (c * 1_000), 280 + (c * 10), 300_000 + (c * 1_000));
            await store.AddAsync(drive);
            all.AddRange(drive);
        }

        long[] edges = [DayStart - 1, DayStart, DayStart + 60_000, DayEnd - 1, DayEnd];
        StoredFix[] edge = edges.Select(t => SyntheticFleet.Drive("car-edge", 9, t, 1, 1)[0]).ToArray();
        await store.AddAsync(edge);
        all.AddRange(edge);
        return all;
    }

    private static async Task<IReadOnlyList<string>> ListAsync(IAmazonS3 client, string bucket)
    {
        ListObjectsV2Response response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
