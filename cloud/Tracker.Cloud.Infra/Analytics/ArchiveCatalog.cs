using Amazon.CDK;
using Amazon.CDK.AWS.Athena;
using Amazon.CDK.AWS.Glue;
using Constructs;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Infra.Storage;

namespace Tracker.Cloud.Infra.Analytics;

/// <summary>
/// The archive as tables for Athena and Redshift Spectrum: a Glue database and external Parquet tables
/// over <c>s3://{archive}/fixes/</c>, <c>trips/</c> and <c>stops/</c> whose columns are <see cref="ArchiveSchema.Columns"/>
/// and <see cref="TripArchiveSchema"/>'s lists (the ones the Parquet writers use), each partitioned by <c>dt</c> with partition projection, so no crawler and
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

        var database = new CfnDatabase(this, "Database", new CfnDatabaseProps
        {
            CatalogId = stack.Account,
            DatabaseInput = new CfnDatabase.DatabaseInputProperty
            {
                Name = names.GlueDatabase,
                Description = "The " + names.Prefix + " fleet archive",
            },
        });

        Table = NewTable("Fixes", names.GlueTable, "Every stored fix, one Parquet folder per UTC day, sorted by car_id then ts", ArchiveSchema.Columns, ArchiveSchema.PartitionColumn, DataStores.ArchivePrefix);
        TripsTable = NewTable("Trips", names.GlueTripsTable, "Every trip (Derive's), one Parquet part per UTC day it starts on, sorted by car_id then start_ts", TripArchiveSchema.TripColumns, TripArchiveSchema.PartitionColumn, DataStores.TripsArchivePrefix);
        StopsTable = NewTable("Stops", names.GlueStopsTable, "Every stop with its idle time, one Parquet part per UTC day it starts on, sorted by car_id then start_ts", TripArchiveSchema.StopColumns, TripArchiveSchema.PartitionColumn, DataStores.StopsArchivePrefix);

        CfnTable NewTable(string id, string name, string description, IEnumerable<ArchiveColumn> columns, ArchiveColumn partition, string prefix)
        {
            string location = "s3://" + stores.Archive.BucketName + "/" + prefix;
            var table = new CfnTable(this, id, new CfnTableProps
            {
                CatalogId = stack.Account,
                DatabaseName = names.GlueDatabase,
                TableInput = new CfnTable.TableInputProperty
                {
                    Name = name,
                    Description = description,
                    TableType = "EXTERNAL_TABLE",
                    PartitionKeys = new object[]
                    {
                        new CfnTable.ColumnProperty { Name = partition.Name, Type = partition.GlueType, Comment = partition.Comment },
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
                        Columns = columns
                            .Select(c => (object)new CfnTable.ColumnProperty { Name = c.Name, Type = c.GlueType, Comment = c.Comment })
                            .ToArray(),
                    },
                },
            });
            table.AddDependency(database);
            return table;
        }

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

    /// <summary>The Glue table of the fixes.</summary>
    public CfnTable Table { get; }

    /// <summary>The Glue table of the trips.</summary>
    public CfnTable TripsTable { get; }

    /// <summary>The Glue table of the stops.</summary>
    public CfnTable StopsTable { get; }

    /// <summary>The Athena workgroup.</summary>
    public CfnWorkGroup Workgroup { get; }
}
