using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Infra.Storage;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// The four Lambda functions, all on the custom runtime <c>provided.al2023</c> on ARM64 (Graviton: the
/// same work for about 20% less per GB-second than x86, AWS Lambda pricing). One package serves all four:
/// the Native AOT <c>bootstrap</c> of cloud/Tracker.Cloud.Lambda.Runtime (one native executable), which
/// runs the Runtime API loop itself and builds the function its <c>Handler</c> names
/// (<see cref="FunctionCatalog"/>). Each function has its own role that names only the tables, index,
/// bucket prefix and actions its code calls (no wildcard actions), JSON logs into an encrypted log
/// group of its own, and X-Ray tracing. The asynchronously invoked ones (ingest from the IoT rule, archive
/// from the schedule) send an event that failed every retry to the dead-letter queue.
/// </summary>
public sealed partial class TrackerFunctions : Construct
{
    /// <summary>
    /// The OS-only runtime on Amazon Linux 2023: Lambda starts the package's <c>bootstrap</c>. The managed
    /// <c>dotnet10</c> runtime is not usable here: it loads Amazon.Lambda.Core from the function's package,
    /// and no Amazon.Lambda.* package is on this registry.
    /// </summary>
    public static readonly Runtime CustomRuntime = Runtime.PROVIDED_AL2023;

    /// <summary>The archive export's schedule: 00:30 UTC daily, for the previous UTC day.</summary>
    public static readonly CronOptions ArchiveSchedule = new() { Minute = "30", Hour = "0" };

    /// <summary>Creates the functions.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    /// <param name="stores">The tables, bucket, key and queue the functions use.</param>
    /// <param name="tokenIssuer">The user pool's issuer URL (for the live authorizer).</param>
    /// <param name="clientIds">The app client ids whose tokens the live authorizer accepts.</param>
    public TrackerFunctions(Construct scope, string id, InfraSettings settings, DataStores stores, string tokenIssuer, string clientIds)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stores);
        StageNames names = settings.Names;
        Stack stack = Stack.Of(this);
        AssetCode code = Code.FromAsset(settings.LambdaPackage);
        var tables = new Dictionary<string, string>
        {
            [FunctionSettings.FixesTableVariable] = stores.Fixes.TableName,
            [FunctionSettings.LatestTableVariable] = stores.Latest.TableName,
            [FunctionSettings.RentalsTableVariable] = stores.Rentals.TableName,
        };

        Ingest = Create(settings, stores, code, FunctionCatalog.Ingest, 512, Duration.Seconds(30), tables,
            "Decodes, filters, enriches and stores the cars' fix batches (IoT rule " + names.FixesRule + ")",
            settings.IngestReservedConcurrency == 0 ? null : settings.IngestReservedConcurrency);
        Allow(Ingest, stores.Fixes.TableArn, "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:Query");

        // A batch with fixes of a day already over marks the day for the archive (DynamoDbStore, ILateDays): one update per day.
        Allow(Ingest, stores.Fixes.TableArn, "dynamodb:UpdateItem");
        Allow(Ingest, stores.Latest.TableArn, "dynamodb:PutItem");
        Allow(Ingest, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey");

        // IoT Core's Lambda action invokes asynchronously (AWS IoT developer guide, "Lambda" rule action),
        // so the rule's error action sees only a failure to hand the event to Lambda; a batch whose ingest
        // throws (storage down) is retried by Lambda, then goes to this function's dead-letter queue.
        SendFailuresToDeadLetterQueue(Ingest, stores, Duration.Hours(6));

        Api = Create(settings, stores, code, FunctionCatalog.Api, 512, Duration.Seconds(10), tables,
            "Serves GET /cars, /cars/{carId}/location, /cars/{carId}/locations and /me", null);
        Allow(Api, stores.Fixes.TableArn, "dynamodb:Query");
        Allow(Api, stores.Latest.TableArn, "dynamodb:GetItem", "dynamodb:Scan");
        Allow(Api, [stores.Rentals.TableArn, RenterIndexArn(stores)], "dynamodb:Query");
        Allow(Api, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey");

        var archiveEnvironment = new Dictionary<string, string>(tables)
        {
            [ArchiveSettings.BucketVariable] = stores.Archive.BucketName,
            [ArchiveSettings.PrefixVariable] = DataStores.ArchivePrefix,
            [ArchiveSettings.KmsKeyVariable] = stores.Key.KeyArn,
            [ArchiveSettings.TripsTableVariable] = stores.Trips.TableName,
            [ArchiveSettings.TripsPrefixVariable] = DataStores.TripsArchivePrefix,
            [ArchiveSettings.StopsPrefixVariable] = DataStores.StopsArchivePrefix,
        };

        // No reserved concurrency: Lambda keeps 10 of an account's concurrency unreserved, so an account at
        // the default quota for new accounts (10) cannot reserve any (Lambda developer guide, "Configuring
        // reserved concurrency"). Nothing needs it: EventBridge invokes once a day, Lambda's retries of one
        // event are sequential, and re-exporting a day overwrites the same keys.
        Archive = Create(settings, stores, code, FunctionCatalog.Archive, 1024, Duration.Minutes(15), archiveEnvironment,
            "Exports the previous UTC day of fixes to Parquet under s3://archive/" + DataStores.ArchivePrefix + "dt=YYYY-MM-DD/, and the changed days of trips and stops", null);
        SendFailuresToDeadLetterQueue(Archive, stores, Duration.Hours(2));
        Allow(Archive, stores.Latest.TableArn, "dynamodb:Scan");
        Allow(Archive, stores.Fixes.TableArn, "dynamodb:Query");

        // The late-day marks: listed by a query, each deleted (conditioned on its count) once its day is exported again.
        Allow(Archive, stores.Fixes.TableArn, "dynamodb:DeleteItem");

        // Trips and stops: a query of the base table per car (no index), and the car's rentals to name a trip's.
        Allow(Archive, stores.Trips.TableArn, "dynamodb:Query");
        Allow(Archive, stores.Rentals.TableArn, "dynamodb:Query");
        string[] prefixes = [DataStores.ArchivePrefix, DataStores.TripsArchivePrefix, DataStores.StopsArchivePrefix];
        Allow(Archive, prefixes.Select(p => stores.Archive.ArnForObjects(p + "*")).ToArray(), "s3:PutObject", "s3:DeleteObject");

        // Only the trips' and stops' manifests are read back (their digest decides whether a day changed).
        Allow(Archive, [stores.Archive.ArnForObjects(DataStores.TripsArchivePrefix + "dt=*/_manifest.json"), stores.Archive.ArnForObjects(DataStores.StopsArchivePrefix + "dt=*/_manifest.json")], "s3:GetObject");
        Archive.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:ListBucket"],
            Resources = [stores.Archive.BucketArn],
            Conditions = new Dictionary<string, object> { ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = prefixes.Select(p => p + "*").ToArray() } },
        }));
        Allow(Archive, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey");
        var schedule = new Rule(this, "ArchiveSchedule", new RuleProps
        {
            Description = "Daily export of the previous UTC day's fixes",
            Schedule = Schedule.Cron(ArchiveSchedule),
        });
        schedule.AddTarget(new LambdaFunction(Archive, new LambdaFunctionProps { RetryAttempts = 2, MaxEventAge = Duration.Hours(2) }));

        var authorizerEnvironment = new Dictionary<string, string>(tables)
        {
            [LiveAuthorizerSettings.IssuerVariable] = tokenIssuer,
            [LiveAuthorizerSettings.ClientIdsVariable] = clientIds,
            [LiveAuthorizerSettings.IotResourcePrefixVariable] = "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account,
        };

        // IoT Core gives a custom authorizer 5 seconds (AWS IoT developer guide, "Troubleshooting your
        // authorizers"); more memory is more CPU, which shortens the cold start (README, "On AWS", has it measured).
        LiveAuthorizer = Create(settings, stores, code, FunctionCatalog.LiveAuthorizer, 1024, Duration.Seconds(5), authorizerEnvironment,
            "Authorizes browsers' MQTT-over-WSS connections: Cognito JWT, rentals, a scoped IoT policy", null);
        Allow(LiveAuthorizer, RenterIndexArn(stores), "dynamodb:Query");
        Allow(LiveAuthorizer, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey");
        LiveDisconnect = CreateLiveDisconnect(settings, stores, code, LiveAuthorizer);
        CreateEventPath(settings, stores, code, tables);
    }

    /// <summary>The ingest function.</summary>
    public Function Ingest { get; }

    /// <summary>The API function.</summary>
    public Function Api { get; }

    /// <summary>The archive function.</summary>
    public Function Archive { get; }

    /// <summary>The live authorizer function.</summary>
    public Function LiveAuthorizer { get; }

    /// <summary>The function that closes renters' live connections when their rentals change.</summary>
    public Function LiveDisconnect { get; }

    /// <summary>Every function, for alarms and the dashboard.</summary>
    public IReadOnlyList<Function> All => [Ingest, Api, Archive, LiveAuthorizer, LiveDisconnect, Tick, Notify];

    private static string RenterIndexArn(DataStores stores) => stores.Rentals.TableArn + "/index/" + DynamoDbStore.RenterIndexName;

    private static void Allow(Function function, string resource, params string[] actions) => Allow(function, [resource], actions);

    // Set on the L1 resource with an explicit grant: the L2 property's grant adds wildcard KMS actions.
    // Two retries (Lambda's default for asynchronous invocations), then the event, with the error's
    // attributes, goes to the queue (Lambda developer guide, "Asynchronous invocation", dead-letter queues).
    private static void SendFailuresToDeadLetterQueue(Function function, DataStores stores, Duration maxEventAge)
    {
        ((CfnFunction)function.Node.DefaultChild!).DeadLetterConfig = new CfnFunction.DeadLetterConfigProperty { TargetArn = stores.DeadLetters.QueueArn };
        Allow(function, stores.DeadLetters.QueueArn, "sqs:SendMessage");
        Allow(function, stores.Key.KeyArn, "kms:GenerateDataKey", "kms:Decrypt");
        function.ConfigureAsyncInvoke(new EventInvokeConfigOptions { RetryAttempts = 2, MaxEventAge = maxEventAge });
    }

    private static void Allow(Function function, string[] resources, params string[] actions) =>
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps { Actions = actions, Resources = resources }));

    private Function Create(
        InfraSettings settings,
        DataStores stores,
        AssetCode code,
        string handler,
        int memoryMb,
        Duration timeout,
        Dictionary<string, string> environment,
        string description,
        int? reservedConcurrency)
    {
        string name = settings.Names.Function(handler);
        string id = string.Concat(handler.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        var logs = new LogGroup(this, id + "Logs", new LogGroupProps
        {
            LogGroupName = "/aws/lambda/" + name,
            EncryptionKey = stores.Key,
            Retention = settings.IsProduction ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH,
            RemovalPolicy = settings.IsProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        // Its own role, with nothing managed attached: log writing is granted on its own log group only.
        var executionRole = new Role(this, id + "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "Execution role of " + name + " (least privilege: only what its code calls)",
        });
        logs.GrantWrite(executionRole);

        var function = new Function(this, id, new FunctionProps
        {
            FunctionName = name,
            Description = description,
            Runtime = CustomRuntime,
            Architecture = Architecture.ARM_64,
            Handler = handler,
            Code = code,
            MemorySize = memoryMb,
            Timeout = timeout,
            Role = executionRole,
            Environment = environment,
            Tracing = Tracing.ACTIVE,
            LoggingFormat = LoggingFormat.JSON,
            ApplicationLogLevelV2 = ApplicationLogLevel.INFO,
            SystemLogLevelV2 = SystemLogLevel.INFO,
            LogGroup = logs,
            ReservedConcurrentExecutions = reservedConcurrency,
        });
        return function;
    }
}
