using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Tracker.Cloud.DynamoDb;

namespace Tracker.Cloud.Infra.Storage;

/// <summary>
/// Everything that holds data, all encrypted with one customer managed key (rotated yearly): the three
/// DynamoDB tables as <c>Tracker.Cloud.DynamoDb</c> uses them (on demand, point-in-time recovery, TTL on
/// <c>expiresAt</c> for fixes), the S3 archive (TLS only, no public access, colder tiers with age), and
/// the dead-letter queue. DESIGN.md, "Store".
/// </summary>
public sealed class DataStores : Construct
{
    /// <summary>The TTL attribute of the fixes table: epoch seconds, 30 days after the fix (DynamoDb/README.md).</summary>
    public const string TimeToLiveAttribute = "expiresAt";

    /// <summary>Where the archive's Parquet files go (the archive function's <c>TRACKER_ARCHIVE_PREFIX</c>).</summary>
    public const string ArchivePrefix = "fixes/";

    /// <summary>Where the archive's trips table goes (the archive function's <c>TRACKER_ARCHIVE_TRIPS_PREFIX</c>).</summary>
    public const string TripsArchivePrefix = "trips/";

    /// <summary>Where the archive's stops table goes (the archive function's <c>TRACKER_ARCHIVE_STOPS_PREFIX</c>).</summary>
    public const string StopsArchivePrefix = "stops/";

    /// <summary>Where Athena writes query results, inside the archive bucket.</summary>
    public const string AthenaResultsPrefix = "athena-results/";

    /// <summary>Creates the stores.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    public DataStores(Construct scope, string id, InfraSettings settings)
        : base(scope, id)
    {
        StageNames names = settings.Names;
        RemovalPolicy removal = settings.IsProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        Key = new Key(this, "DataKey", new KeyProps
        {
            Alias = "alias/" + names.Prefix + "-data",
            Description = "Encrypts the " + names.Prefix + " tables, archive, queue, logs and alarm topic",
            EnableKeyRotation = true,
            RemovalPolicy = removal,
        });

        // CloudWatch Logs encrypts the functions' and the API's log groups with this key; the service
        // needs a key policy grant, scoped by encryption context to this account's log groups
        // (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
        Stack stack = Stack.Of(this);
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchLogs",
            Principals = [new ServicePrincipal("logs." + stack.Region + ".amazonaws.com")],
            Actions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:logs:arn"] = "arn:" + stack.Partition + ":logs:" + stack.Region + ":" + stack.Account + ":log-group:*",
                },
            },
        }));

        // Every table: on-demand, point-in-time recovery, the stack's key, protected from deletion in production.
        Table NewTable(string id, string tableName, string partitionKey, AttributeType partitionType, string? sortKey = null, AttributeType? sortType = null, string? timeToLive = null, StreamViewType? stream = null) =>
            new(this, id, new TableProps
            {
                TableName = tableName,
                PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = partitionKey, Type = partitionType },
                SortKey = sortKey is null ? null : new Amazon.CDK.AWS.DynamoDB.Attribute { Name = sortKey, Type = sortType!.Value },
                TimeToLiveAttribute = timeToLive,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                PointInTimeRecovery = true,
                Encryption = TableEncryption.CUSTOMER_MANAGED,
                EncryptionKey = Key,
                DeletionProtection = settings.IsProduction,
                RemovalPolicy = removal,
                Stream = stream,
            });

        Fixes = NewTable("Fixes", names.FixesTable, "carId", AttributeType.STRING, "ts", AttributeType.NUMBER, timeToLive: TimeToLiveAttribute);

        // No TTL: a car parked for weeks must still be found (DynamoDb/README.md).
        Latest = NewTable("Latest", names.LatestTable, "carId", AttributeType.STRING);

        // Every change to a rental, with the item before and after, feeds the live-disconnect function, which
        // closes the renter's live connections (issue 15, F5 on AWS): rentals are written straight into this
        // table, so its stream, not an API, is what sees every change.
        Rentals = NewTable("Rentals", names.RentalsTable, "carId", AttributeType.STRING, "rentalKey", AttributeType.STRING, stream: StreamViewType.NEW_AND_OLD_IMAGES);
        Rentals.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = DynamoDbStore.RenterIndexName,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "renter", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "fromMs", Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.ALL,
        });

        // One small item per renter's live connection (and refresh), gone with its TTL once the grant has ended.
        LiveGrants = NewTable("LiveGrants", names.LiveGrantsTable, "subject", AttributeType.STRING, "clientId", AttributeType.STRING, timeToLive: TimeToLiveAttribute);

        // Issue 16: the Derive stage's tables as Tracker.Cloud.DynamoDb's DynamoDbDeriveStore uses them, and the notifier's.
        // Events and statuses keep the fixes' retention (TTL); every new or changed event goes down the events stream
        // (new image only: the notifier reads what the event is now) to the notifier.
        DeriveState = NewTable("DeriveState", names.DeriveStateTable, "carId", AttributeType.STRING);
        Events = NewTable("Events", names.EventsTable, "carId", AttributeType.STRING, "eventId", AttributeType.STRING, timeToLive: TimeToLiveAttribute, stream: StreamViewType.NEW_IMAGE);
        Events.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = Tracker.Cloud.DynamoDb.Derive.DynamoDbDeriveTables.FleetIndex,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "fleet", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "fleetKey", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
        Statuses = NewTable("Statuses", names.StatusesTable, "carId", AttributeType.STRING, "ts", AttributeType.NUMBER, timeToLive: TimeToLiveAttribute);
        Zones = NewTable("Zones", names.ZonesTable, "zoneId", AttributeType.STRING);
        Subscriptions = NewTable("Subscriptions", names.SubscriptionsTable, "subscriptionId", AttributeType.STRING);
        Limits = NewTable("Limits", names.LimitsTable, Tracker.Cloud.DynamoDb.Derive.DynamoDbLimitStore.KeyAttribute, AttributeType.STRING);

        // Issue 17: trips, stops and odometer readings as DynamoDbTripStore uses them. Trips and readings never carry
        // expiresAt: they are what bills are made from, and outlive the fixes. The TTL removes only what the Derive commit
        // leaves behind: a deleted row's tombstone (7 days) and a spilled commit's parts (1 day). The local index finds
        // what a Derive step decided again; the sparse day index (trips only, the summed figures projected) is the
        // fleet's daily summary.
        Trips = NewTable("Trips", names.TripsTable, "carId", AttributeType.STRING, "itemKey", AttributeType.STRING, timeToLive: TimeToLiveAttribute);
        Trips.AddLocalSecondaryIndex(new LocalSecondaryIndexProps
        {
            IndexName = Tracker.Cloud.DynamoDb.Derive.DynamoDbTripStore.DecidedIndex,
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "decidedTs", Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.KEYS_ONLY,
        });
        Trips.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = Tracker.Cloud.DynamoDb.Derive.DynamoDbTripStore.DayIndex,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "day", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "dayKey", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.INCLUDE,
            NonKeyAttributes = [.. Tracker.Cloud.DynamoDb.Derive.DynamoDbTripStore.DayIndexAttributes],
        });

        // One item per (event, subscription, channel); pending ones also sit in the sparse index of due retries.
        Outbox = NewTable("Outbox", names.OutboxTable, "deliveryId", AttributeType.STRING, timeToLive: TimeToLiveAttribute);
        Outbox.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = Tracker.Cloud.Lambda.Notify.DynamoDbNotifyStore.DueIndex,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "due", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "nextAttemptMs", Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.ALL,
        });

        Archive = new Bucket(this, "Archive", new BucketProps
        {
            Encryption = BucketEncryption.KMS,
            EncryptionKey = Key,

            // One data key per bucket instead of a KMS call per object (S3 user guide, "S3 Bucket Keys").
            BucketKeyEnabled = true,
            EnforceSSL = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            Versioned = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
            LifecycleRules =
            [
                new LifecycleRule
                {
                    Id = "fixes-to-colder-tiers",
                    Prefix = ArchivePrefix,

                    // Standard-IA from 30 days (its minimum); Glacier Instant Retrieval from 90 days, which
                    // Athena still reads; Glacier Flexible Retrieval after a year, which Athena skips
                    // until the objects are restored (Athena user guide, "Querying restored Amazon S3 Glacier objects").
                    Transitions =
                    [
                        new Transition { StorageClass = StorageClass.INFREQUENT_ACCESS, TransitionAfter = Duration.Days(30) },
                        new Transition { StorageClass = StorageClass.GLACIER_INSTANT_RETRIEVAL, TransitionAfter = Duration.Days(90) },
                        new Transition { StorageClass = StorageClass.GLACIER, TransitionAfter = Duration.Days(365) },
                    ],

                    // A re-run of a day overwrites its files; the old versions go after 30 days.
                    NoncurrentVersionExpiration = Duration.Days(30),
                },
                // The trips and stops stay in Standard: a day's part is tens of kB, under the 128 KB that Standard-IA
                // and Glacier Instant Retrieval bill an object at least. A day rewritten by a revision leaves its old
                // version, kept 30 days as the fixes'.
                new LifecycleRule { Id = "trips-old-versions", Prefix = TripsArchivePrefix, NoncurrentVersionExpiration = Duration.Days(30) },
                new LifecycleRule { Id = "stops-old-versions", Prefix = StopsArchivePrefix, NoncurrentVersionExpiration = Duration.Days(30) },
                new LifecycleRule
                {
                    Id = "athena-results-expire",
                    Prefix = AthenaResultsPrefix,
                    Expiration = Duration.Days(7),
                    NoncurrentVersionExpiration = Duration.Days(1),
                },
                new LifecycleRule
                {
                    Id = "abort-incomplete-uploads",
                    AbortIncompleteMultipartUploadAfter = Duration.Days(7),
                },
            ],
        });

        DeadLetters = new Queue(this, "DeadLetters", new QueueProps
        {
            QueueName = names.DeadLetterQueue,
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = Key,
            EnforceSSL = true,

            // SQS's longest retention (SQS developer guide, "Quotas"): two weeks to look at a failure.
            RetentionPeriod = Duration.Days(14),
            RemovalPolicy = removal,
        });
    }

    /// <summary>The customer managed key of every store.</summary>
    public Key Key { get; }

    /// <summary>Fixes: <c>carId</c> S, <c>ts</c> N, TTL on <c>expiresAt</c>.</summary>
    public Table Fixes { get; }

    /// <summary>Latest position: <c>carId</c> S.</summary>
    public Table Latest { get; }

    /// <summary>Rentals: <c>carId</c> S, <c>rentalKey</c> S, index <c>byRenter</c> (<c>renter</c> S, <c>fromMs</c> N).</summary>
    public Table Rentals { get; }

    /// <summary>Live grants: <c>subject</c> S, <c>clientId</c> S, TTL on <c>expiresAt</c>.</summary>
    public Table LiveGrants { get; }

    /// <summary>Derive state: <c>carId</c> S.</summary>
    public Table DeriveState { get; }

    /// <summary>Events: <c>carId</c> S, <c>eventId</c> S, index <c>fleetByStart</c>, TTL, stream (new images) to the notifier.</summary>
    public Table Events { get; }

    /// <summary>Statuses: <c>carId</c> S, <c>ts</c> N, TTL.</summary>
    public Table Statuses { get; }

    /// <summary>Zones: <c>zoneId</c> S.</summary>
    public Table Zones { get; }

    /// <summary>Thresholds (<c>/limits</c>): <c>limitKey</c> S.</summary>
    public Table Limits { get; }

    /// <summary>Trips, stops, odometer readings: <c>carId</c> S, <c>itemKey</c> S, local index <c>byDecided</c>, index <c>tripsByDay</c>.</summary>
    public Table Trips { get; }

    /// <summary>Subscriptions: <c>subscriptionId</c> S.</summary>
    public Table Subscriptions { get; }

    /// <summary>Outbox: <c>deliveryId</c> S, index <c>dueByTime</c>, TTL.</summary>
    public Table Outbox { get; }

    /// <summary>The Parquet archive (and Athena's results).</summary>
    public Bucket Archive { get; }

    /// <summary>The dead-letter queue.</summary>
    public Queue DeadLetters { get; }
}
