using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.SQS;
using Tracker.Cloud.Infra.Storage;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// Issue 16 on AWS: the Derive stage in the ingest function (each car's state one item under a conditional write), its
/// clock (the tick function, every minute), and the notifier (the events table's stream, and a schedule for retries).
/// Each role names only the tables, indexes and actions its code calls; SES only for the configured sender.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>How often the Derive clock ticks every car (offline, pending events' settle time, rentals not returned).</summary>
    public static readonly Duration TickEvery = Duration.Minutes(1);

    /// <summary>How often the notifier sweeps for retries that are overdue (a wake-up lost); retries are woken when due by <see cref="NotifyRetryQueue"/>.</summary>
    public static readonly Duration NotifyRetryEvery = Duration.Minutes(1);

    /// <summary>The notifier's retry queue: each failed attempt's wake-up, delayed until its retry is due (2 s doubling to 10 min).</summary>
    public Queue NotifyRetryQueue { get; private set; } = null!;

    /// <summary>The tick function.</summary>
    public Function Tick { get; private set; } = null!;

    /// <summary>The notifier.</summary>
    public Function Notify { get; private set; } = null!;

    /// <summary>The Derive tables' variables, as <see cref="FunctionSettings.DeriveTableVariables"/> orders them.</summary>
    private static Dictionary<string, string> DeriveVariables(DataStores stores)
    {
        string[] names = [stores.DeriveState.TableName, stores.Events.TableName, stores.Statuses.TableName, stores.Zones.TableName];
        Dictionary<string, string> variables = FunctionSettings.DeriveTableVariables.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => names[p.i]);
        variables[FunctionSettings.LimitsTableVariable] = stores.Limits.TableName;
        variables[FunctionSettings.TripsTableVariable] = stores.Trips.TableName;
        return variables;
    }

    // What DeriveService does through DynamoDbDeriveStore, StoredObservations and StoredContexts for one car's step.
    private static void AllowDeriveStep(Function function, DataStores stores)
    {
        Allow(function, stores.DeriveState.TableArn, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
        Allow(function, stores.Events.TableArn, "dynamodb:Query", "dynamodb:UpdateItem");
        Allow(function, stores.Statuses.TableArn, "dynamodb:Query");
        Allow(function, stores.Zones.TableArn, "dynamodb:Scan");
        Allow(function, stores.Limits.TableArn, "dynamodb:Scan");
        Allow(function, stores.Rentals.TableArn, "dynamodb:Query");
        AllowTripWrites(function, stores);
    }

    private void CreateEventPath(InfraSettings settings, DataStores stores, AssetCode code, Dictionary<string, string> tables)
    {
        StageNames names = settings.Names;
        Stack stack = Stack.Of(this);
        Dictionary<string, string> derive = DeriveVariables(stores);

        // Ingest derives after it stores, in the same invocation (a failure retries the message; the step is repeatable).
        foreach ((string name, string value) in derive)
        {
            Ingest.AddEnvironment(name, value);
        }

        AllowDeriveStep(Ingest, stores);

        // Status messages (the status Derive rule): stored once under (car, ts) with a conditional put, then derived.
        Allow(Ingest, stores.Statuses.TableArn, "dynamodb:PutItem");

        // The clock: every car with a state, every minute. No retries: the next minute is the retry.
        Tick = Create(settings, stores, code, FunctionCatalog.Tick, 512, Duration.Seconds(50), new Dictionary<string, string>(tables).Concat(derive).ToDictionary(),
            "Ticks the Derive stage's clock for every car: offline, pending events settled, rentals not returned", null);
        AllowDeriveStep(Tick, stores);
        Allow(Tick, stores.DeriveState.TableArn, "dynamodb:Scan");
        Allow(Tick, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey");
        new Rule(this, "TickSchedule", new RuleProps { RuleName = names.TickRule, Description = "The Derive stage's clock", Schedule = Schedule.Rate(TickEvery) })
            .AddTarget(new LambdaFunction(Tick, new LambdaFunctionProps { RetryAttempts = 0, MaxEventAge = Duration.Minutes(2) }));
        Tick.ConfigureAsyncInvoke(new EventInvokeConfigOptions { RetryAttempts = 0, MaxEventAge = Duration.Minutes(2) });

        // The live event feed: what a step stores or withdraws, to fleet/{car}/events (operators only).
        AllowLiveEventFeed(Ingest, names);
        AllowLiveEventFeed(Tick, names);

        CreateEventRoutes(stores, derive);

        var notifyEnvironment = new Dictionary<string, string>
        {
            [NotifySettings.SubscriptionsTableVariable] = stores.Subscriptions.TableName,
            [NotifySettings.OutboxTableVariable] = stores.Outbox.TableName,
            [NotifySettings.MetricNamespaceVariable] = names.MetricNamespace,
        };
        if (settings.NotifyEmailFrom is { } from)
        {
            notifyEnvironment[NotifySettings.EmailFromVariable] = from;
        }

        // Retries when they are due: a failed attempt sends itself a message delayed by its backoff (SQS allows up to
        // 15 min; the longest backoff is 10 min). The queue is only a wake-up: the outbox holds the entry, so a lost or
        // expired message costs at most a minute (the sweep). Visibility six times the function's timeout, as Lambda's
        // SQS guide advises.
        NotifyRetryQueue = new Queue(this, "NotifyRetryWakes", new QueueProps
        {
            QueueName = names.NotifyRetryQueue,
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = stores.Key,
            EnforceSSL = true,
            RetentionPeriod = Duration.Hours(1),
            VisibilityTimeout = Duration.Seconds(360),
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        notifyEnvironment[NotifySettings.RetryQueueUrlVariable] = NotifyRetryQueue.QueueUrl;

        Notify = Create(settings, stores, code, FunctionCatalog.Notify, 256, Duration.Seconds(60), notifyEnvironment,
            "Delivers events to subscriptions (webhooks, SES e-mail) from the events table's stream; retries from the outbox", null);
        Allow(Notify, stores.Subscriptions.TableArn, "dynamodb:Scan", "dynamodb:GetItem");
        Allow(Notify, stores.Outbox.TableArn, "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem");
        Allow(Notify, stores.Outbox.TableArn + "/index/" + DynamoDbNotifyStore.DueIndex, "dynamodb:Query");
        Allow(Notify, stores.Key.KeyArn, "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey");
        if (settings.NotifyEmailFrom is { } sender)
        {
            // SESv2 SendEmail authorizes against the identity the sender is verified under: the address itself, or its
            // domain. Only that sender may be used.
            string identity = "arn:" + stack.Partition + ":ses:" + stack.Region + ":" + stack.Account + ":identity/";
            Notify.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Actions = ["ses:SendEmail"],
                Resources = [identity + sender, identity + sender[(sender.IndexOf('@', StringComparison.Ordinal) + 1)..]],
                Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["ses:FromAddress"] = sender } },
            }));
        }

        string stream = stores.Events.TableStreamArn!;
        Allow(Notify, stream, "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
        Allow(Notify, "*", "dynamodb:ListStreams");
        Allow(Notify, stores.DeadLetters.QueueArn, "sqs:SendMessage");

        // A notifier or storage outage only delays: the batch is retried until it succeeds or its records leave the stream
        // (24 hours); only then are they named on the dead-letter queue (and its alarm fires). A failed send is not a
        // batch failure: the outbox retries it.
        var mapping = new CfnEventSourceMapping(this, "EventChanges", new CfnEventSourceMappingProps
        {
            FunctionName = Notify.FunctionName,
            EventSourceArn = stream,
            StartingPosition = "TRIM_HORIZON",
            BatchSize = 100,
            MaximumBatchingWindowInSeconds = 0,
            MaximumRetryAttempts = -1,
            MaximumRecordAgeInSeconds = -1,
            FunctionResponseTypes = ["ReportBatchItemFailures"],
            DestinationConfig = new CfnEventSourceMapping.DestinationConfigProperty
            {
                OnFailure = new CfnEventSourceMapping.OnFailureProperty { Destination = stores.DeadLetters.QueueArn },
            },
        });
        mapping.Node.AddDependency(Notify);

        Allow(Notify, NotifyRetryQueue.QueueArn, "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
        var wakes = new CfnEventSourceMapping(this, "NotifyRetryWakeups", new CfnEventSourceMappingProps
        {
            FunctionName = Notify.FunctionName,
            EventSourceArn = NotifyRetryQueue.QueueArn,
            BatchSize = 10,
            MaximumBatchingWindowInSeconds = 0,
            FunctionResponseTypes = ["ReportBatchItemFailures"],
        });
        wakes.Node.AddDependency(Notify);
        new Rule(this, "NotifyRetrySchedule", new RuleProps { RuleName = names.NotifyRetryRule, Description = "The notifier's due retries", Schedule = Schedule.Rate(NotifyRetryEvery) })
            .AddTarget(new LambdaFunction(Notify, new LambdaFunctionProps { RetryAttempts = 0, MaxEventAge = Duration.Minutes(2) }));
        Notify.ConfigureAsyncInvoke(new EventInvokeConfigOptions { RetryAttempts = 0, MaxEventAge = Duration.Minutes(2) });
    }

    // The API function's issue-16 routes (EventsApi): events (list, acknowledge), zones, limits, subscriptions and the
    // notifications (list, redeliver a failed one), over the tables, each action one its code calls. Of the Derive state
    // it only gets a car's item (issue 17: the odometer a car's location shows, ICarOdometers); it never reads the statuses.
    private void CreateEventRoutes(DataStores stores, Dictionary<string, string> derive)
    {
        foreach ((string name, string value) in derive)
        {
            Api.AddEnvironment(name, value);
        }

        Api.AddEnvironment(NotifySettings.SubscriptionsTableVariable, stores.Subscriptions.TableName);
        Api.AddEnvironment(NotifySettings.OutboxTableVariable, stores.Outbox.TableName);
        Allow(Api, [stores.Events.TableArn, stores.Events.TableArn + "/index/" + Tracker.Cloud.DynamoDb.Derive.DynamoDbDeriveTables.FleetIndex], "dynamodb:Query");
        Allow(Api, stores.Events.TableArn, "dynamodb:GetItem", "dynamodb:UpdateItem");
        Allow(Api, [stores.Zones.TableArn, stores.Limits.TableArn, stores.Subscriptions.TableArn], "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem");
        Allow(Api, stores.Outbox.TableArn, "dynamodb:Scan", "dynamodb:UpdateItem"); // UpdateItem: an operator's redelivery of a failed one
        Allow(Api, stores.DeriveState.TableArn, "dynamodb:GetItem");
        AllowTripReads(Api, stores);
        Allow(Api, stores.Key.KeyArn, "kms:Encrypt", "kms:GenerateDataKey");
    }
}
