using Amazon.CDK;
using Amazon.CDK.AWS.Athena;
using Amazon.CDK.AWS.Glue;
using Constructs;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Infra.Storage;

namespace Tracker.Cloud.Infra.Analytics;

/// <summary>
/// The archive as a table for Athena and Redshift Spectrum: a Glue database and an external Parquet
/// table over <c>s3://{archive}/fixes/</c> whose columns are <see cref="ArchiveSchema.Columns"/> (the one
/// list the Parquet writer uses), partitioned by <c>dt</c> with partition projection, so no crawler and
/// no <c>MSCK REPAIR</c> are needed (Athena user guide, "Partition projection with Amazon Athena").
/// And an Athena workgroup whose results are encrypted and capped per query.
/// </summary>
public sealed class ArchiveCatalog : Construct
{
    /// <summary>The first day the projection covers.</summary>
    public const string FirstDay = "2024-01-01";

    /// <summary>The most a single query may scan: 100 GB, about 17 years of a 1,000-car fleet's archive at the cost model's bytes per fix.</summary>
    public const double BytesScannedCutoff = 100d * 1024 * 1024 * 1024;

    /// <summary>Creates the database, table and workgroup.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="names">The stage's names.</param>
    /// <param name="stores">The archive bucket and key.</param>
    public ArchiveCatalog(Construct scope, string id, StageNames names, DataStores stores)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(stores);
        Stack stack = Stack.Of(this);
        string location = "s3://" + stores.Archive.BucketName + "/" + DataStores.ArchivePrefix;

        var database = new CfnDatabase(this, "Database", new CfnDatabaseProps
        {
            CatalogId = stack.Account,
            DatabaseInput = new CfnDatabase.DatabaseInputProperty
            {
                Name = names.GlueDatabase,
                Description = "The " + names.Prefix + " fleet archive",
            },
        });

        Table = new CfnTable(this, "Fixes", new CfnTableProps
        {
            CatalogId = stack.Account,
            DatabaseName = names.GlueDatabase,
            TableInput = new CfnTable.TableInputProperty
            {
                Name = names.GlueTable,
                Description = "Every stored fix, one Parquet folder per UTC day, sorted by car_id then ts",
                TableType = "EXTERNAL_TABLE",
                PartitionKeys = new object[]
                {
                    new CfnTable.ColumnProperty
                    {
                        Name = ArchiveSchema.PartitionColumn.Name,
                        Type = ArchiveSchema.PartitionColumn.GlueType,
                        Comment = ArchiveSchema.PartitionColumn.Comment,
                    },
                },
                Parameters = new Dictionary<string, object>
                {
                    ["classification"] = "parquet",
                    ["EXTERNAL"] = "TRUE",
                    ["projection.enabled"] = "true",
                    ["projection.dt.type"] = "date",
                    ["projection.dt.format"] = "yyyy-MM-dd",
                    ["projection.dt.range"] = FirstDay + ",NOW",
                    ["projection.dt.interval"] = "1",
                    ["projection.dt.interval.unit"] = "DAYS",
                    ["storage.location.template"] = location + "dt=${dt}/",
                },
                StorageDescriptor = new CfnTable.StorageDescriptorProperty
                {
                    Location = location,
                    InputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    OutputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                    SerdeInfo = new CfnTable.SerdeInfoProperty
                    {
                        SerializationLibrary = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                    },
                    Columns = ArchiveSchema.Columns
                        .Select(c => (object)new CfnTable.ColumnProperty { Name = c.Name, Type = c.GlueType, Comment = c.Comment })
                        .ToArray(),
                },
            },
        });
        Table.AddDependency(database);

        Workgroup = new CfnWorkGroup(this, "Workgroup", new CfnWorkGroupProps
        {
            Name = names.AthenaWorkgroup,
            Description = "Queries over the " + names.Prefix + " archive (cloud/analytics/queries)",
            State = "ENABLED",
            WorkGroupConfiguration = new CfnWorkGroup.WorkGroupConfigurationProperty
            {
                EnforceWorkGroupConfiguration = true,
                PublishCloudWatchMetricsEnabled = true,
                BytesScannedCutoffPerQuery = BytesScannedCutoff,
                ResultConfiguration = new CfnWorkGroup.ResultConfigurationProperty
                {
                    OutputLocation = "s3://" + stores.Archive.BucketName + "/" + DataStores.AthenaResultsPrefix,
                    EncryptionConfiguration = new CfnWorkGroup.EncryptionConfigurationProperty
                    {
                        EncryptionOption = "SSE_KMS",
                        KmsKey = stores.Key.KeyArn,
                    },
                },
            },
        });
    }

    /// <summary>The Glue table.</summary>
    public CfnTable Table { get; }

    /// <summary>The Athena workgroup.</summary>
    public CfnWorkGroup Workgroup { get; }
}
