using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;
using Tracker.Cloud.Infra.Api;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Infra.Iot;
using Tracker.Cloud.Infra.Storage;

namespace Tracker.Cloud.Infra.Operations;

/// <summary>
/// The alarms an operator is told about (through an encrypted SNS topic, optionally to an e-mail) and
/// one dashboard. Missing data never alarms: a quiet fleet at night is not a failure. The alarms:
/// <list type="bullet">
/// <item>ingest errors: the ingest function threw (a storage failure; a message that can never succeed is rejected, not thrown);</item>
/// <item>dead letters: anything in the DLQ (a rule action failed, or an ingest invocation failed every retry);</item>
/// <item>throttles: any function throttled;</item>
/// <item>IoT rule failures: an action of a rule failed, or a rule was throttled (AWS/IoT <c>Failure</c>, <c>RuleMessageThrottled</c>);</item>
/// <item>devices offline: more than the threshold of cars lost their connection within 15 minutes (<see cref="DeviceFleet.CarsWentOfflineMetric"/>);</item>
/// <item>archive failed, API 5xx, authorizer errors.</item>
/// </list>
/// </summary>
public sealed class Monitoring : Construct
{
    private static readonly Duration FiveMinutes = Duration.Minutes(5);

    /// <summary>Creates the topic, the alarms and the dashboard.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    /// <param name="stores">The queue and key.</param>
    /// <param name="functions">The functions.</param>
    /// <param name="fleet">The IoT rules.</param>
    /// <param name="api">The HTTP API.</param>
    public Monitoring(Construct scope, string id, InfraSettings settings, DataStores stores, TrackerFunctions functions, DeviceFleet fleet, FleetHttpApi api)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(api);
        StageNames names = settings.Names;

        Topic = new Topic(this, "Alarms", new TopicProps { TopicName = names.AlarmTopic, MasterKey = stores.Key, EnforceSSL = true });

        // CloudWatch publishes to an encrypted topic with the key (SNS developer guide, "Enable
        // compatibility between event sources and encrypted topics").
        stores.Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchAlarmsToEncryptedTopic",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
        }));
        if (settings.AlarmEmail is not null)
        {
            Topic.AddSubscription(new EmailSubscription(settings.AlarmEmail));
        }

        var action = new SnsAction(Topic);
        var alarms = new List<Alarm>();
        Alarm Add(string name, string description, IMetric metric, double threshold, Duration? period = null)
        {
            var alarm = new Alarm(this, string.Concat(name.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..])), new AlarmProps
            {
                AlarmName = names.Alarm(name),
                AlarmDescription = description,
                Metric = metric,
                Threshold = threshold,
                EvaluationPeriods = 1,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            });
            alarm.AddAlarmAction(action);
            alarms.Add(alarm);
            return alarm;
        }

        Add("ingest-errors", "The ingest function threw (storage failures): fixes are being retried or dead-lettered",
            functions.Ingest.MetricErrors(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }), 1);

        Add("dead-letters", "Messages in " + names.DeadLetterQueue + ": a rule action or an ingest invocation failed for good",
            stores.DeadLetters.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = FiveMinutes, Statistic = "Maximum" }), 1);

        var throttles = new Dictionary<string, IMetric>();
        foreach (Amazon.CDK.AWS.Lambda.Function function in functions.All)
        {
            throttles["t" + throttles.Count] = function.MetricThrottles(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" });
        }

        Add("throttles", "A function was throttled (reserved concurrency or the account limit)",
            new MathExpression(new MathExpressionProps { Expression = string.Join(" + ", throttles.Keys), UsingMetrics = throttles, Label = "throttles", Period = FiveMinutes }), 1);

        // Rule action failures carry the dimensions RuleName and ActionType; a rule throttled by IoT
        // Core's rules-engine quota counts in RuleMessageThrottled (AWS IoT developer guide, "AWS IoT metrics and dimensions").
        var rules = new Dictionary<string, IMetric>();
        foreach ((string rule, string actionType) in new[]
        {
            (names.FixesRule, "Lambda"),
            (names.FixesRule, "Republish"),
            (names.StatusRule, "Republish"),
            (names.PresenceRule, "CloudwatchMetric"),
        })
        {
            rules["f" + rules.Count] = IotMetric("Failure", new Dictionary<string, string> { ["RuleName"] = rule, ["ActionType"] = actionType });
        }

        foreach (string rule in new[] { names.FixesRule, names.StatusRule, names.PresenceRule })
        {
            rules["t" + rules.Count] = IotMetric("RuleMessageThrottled", new Dictionary<string, string> { ["RuleName"] = rule });
        }

        Add("iot-rule-failures", "An IoT rule action failed or a rule was throttled (details in the DLQ and AWS/IoT metrics)",
            new MathExpression(new MathExpressionProps { Expression = string.Join(" + ", rules.Keys), UsingMetrics = rules, Label = "rule failures", Period = FiveMinutes }), 1);

        var offline = new Metric(new MetricProps
        {
            Namespace = names.MetricNamespace,
            MetricName = DeviceFleet.CarsWentOfflineMetric,
            Statistic = "Sum",
            Period = Duration.Minutes(15),
            Label = "cars that lost their connection",
        });
        Add("devices-offline", settings.OfflineAlarmThreshold + " or more cars lost their connection within 15 minutes (coverage, power or a broker problem)",
            offline, settings.OfflineAlarmThreshold);

        Add("archive-failed", "The daily Parquet export failed: the archive misses a day until it is re-run",
            functions.Archive.MetricErrors(new MetricOptions { Period = Duration.Hours(1), Statistic = "Sum" }), 1);

        Add("api-5xx", "The HTTP API answered 5xx",
            api.Api.MetricServerError(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }), 5);

        Add("authorizer-errors", "The live authorizer threw (JWKS or rentals unreadable): browsers cannot connect",
            functions.LiveAuthorizer.MetricErrors(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }), 5);

        // Issue 16: notifications given up after their last attempt (kept in the outbox as failed, GET /notifications?state=failed),
        // the notifier or the clock throwing, and the notifier falling behind the events stream.
        var notificationsFailed = new Metric(new MetricProps
        {
            Namespace = names.MetricNamespace,
            MetricName = Tracker.Cloud.Lambda.Notify.NotifyHandler.MetricFailed,
            Statistic = "Sum",
            Period = FiveMinutes,
            Label = "notifications failed for good",
        });
        Add("notifications-failed", "A notification failed every attempt (webhook down or refusing, SES refusing): it is kept with its error",
            notificationsFailed, 1);
        Add("notifier-errors", "The notifier threw (outbox or subscriptions unreadable): the stream batch is being retried",
            functions.Notify.MetricErrors(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }), 3);
        Add("notifier-behind", "The notifier is more than 5 minutes behind the events stream",
            new Metric(new MetricProps
            {
                Namespace = "AWS/Lambda",
                MetricName = "IteratorAge",
                DimensionsMap = new Dictionary<string, string> { ["FunctionName"] = functions.Notify.FunctionName },
                Statistic = "Maximum",
                Period = FiveMinutes,
            }),
            300_000);
        Add("tick-errors", "The Derive clock failed for some cars twice in five minutes: offline and not-returned events are late",
            functions.Tick.MetricErrors(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }), 2);

        // The live event feed: ingest and tick publish each stored or withdrawn event to fleet/{car}/events through IoT
        // Core's HTTPS Publish. A failed publish never fails the ingest (the event is stored; browsers list again on
        // reconnect), so it is an embedded metric on the function's log line, not an error: a few are a network blip,
        // ten in five minutes mean operators' maps are missing alerts (IoT Core refusing, the role, the endpoint).
        var publishesFailed = new Metric(new MetricProps
        {
            Namespace = names.MetricNamespace,
            MetricName = Tracker.Cloud.Lambda.Live.IotEventPublisher.MetricFailed,
            Statistic = "Sum",
            Period = FiveMinutes,
            Label = "live event publishes failed",
        });
        Add("event-publishes-failed", "Ingest or tick could not publish " + EventPublishesFailedThreshold + " or more events to the live feed (fleet/{car}/events) in five minutes: operators' maps miss alerts until they reload",
            publishesFailed, EventPublishesFailedThreshold);

        Alarms = alarms;

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = names.Dashboard });
        Dashboard.AddWidgets(
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = alarms.ToArray(), Width = 24, Height = 3 }));
        Dashboard.AddWidgets(
            Graph("Ingest invocations and errors", functions.Ingest.MetricInvocations(Sum()), functions.Ingest.MetricErrors(Sum()), functions.Ingest.MetricThrottles(Sum())),
            Graph("Ingest duration (p50, p99)", functions.Ingest.MetricDuration(new MetricOptions { Statistic = "p50", Period = FiveMinutes }), functions.Ingest.MetricDuration(new MetricOptions { Statistic = "p99", Period = FiveMinutes })),
            Graph("Cars that lost their connection", offline));
        Dashboard.AddWidgets(
            Graph("IoT rules: messages matched", IotMetric("TopicMatch", new Dictionary<string, string> { ["RuleName"] = names.FixesRule }), IotMetric("TopicMatch", new Dictionary<string, string> { ["RuleName"] = names.StatusRule })),
            Graph("IoT rule failures and DLQ", new MathExpression(new MathExpressionProps { Expression = string.Join(" + ", rules.Keys), UsingMetrics = rules, Label = "rule failures", Period = FiveMinutes }), stores.DeadLetters.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = FiveMinutes, Statistic = "Maximum" })),
            Graph("DynamoDB fixes: consumed capacity", stores.Fixes.MetricConsumedWriteCapacityUnits(Sum()), stores.Fixes.MetricConsumedReadCapacityUnits(Sum())));
        Dashboard.AddWidgets(
            Graph("API: requests, 4xx, 5xx", api.Api.MetricCount(Sum()), api.Api.MetricClientError(Sum()), api.Api.MetricServerError(Sum())),
            Graph("API latency (p50, p99)", api.Api.MetricLatency(new MetricOptions { Statistic = "p50", Period = FiveMinutes }), api.Api.MetricLatency(new MetricOptions { Statistic = "p99", Period = FiveMinutes })),
            Graph("Live authorizer and archive", functions.LiveAuthorizer.MetricInvocations(Sum()), functions.LiveAuthorizer.MetricErrors(Sum()), functions.Archive.MetricErrors(Sum())));
        Dashboard.AddWidgets(
            Graph("Notifications: delivered, retried, failed",
                new Metric(new MetricProps { Namespace = names.MetricNamespace, MetricName = Tracker.Cloud.Lambda.Notify.NotifyHandler.MetricDelivered, Statistic = "Sum", Period = FiveMinutes }),
                new Metric(new MetricProps { Namespace = names.MetricNamespace, MetricName = Tracker.Cloud.Lambda.Notify.NotifyHandler.MetricAttemptsFailed, Statistic = "Sum", Period = FiveMinutes }),
                notificationsFailed),
            Graph("Tick and notifier errors, live event publishes failed, retry wake-ups lost", functions.Tick.MetricErrors(Sum()), functions.Notify.MetricErrors(Sum()), publishesFailed,
                new Metric(new MetricProps { Namespace = names.MetricNamespace, MetricName = Tracker.Cloud.Lambda.Notify.NotifyHandler.MetricWakesLost, Statistic = "Sum", Period = FiveMinutes })),
            Graph("Tick duration (max)", functions.Tick.MetricDuration(new MetricOptions { Statistic = "Maximum", Period = FiveMinutes })));
    }

    /// <summary>Live event publishes failed in five minutes that raise the <c>event-publishes-failed</c> alarm.</summary>
    public const int EventPublishesFailedThreshold = 10;

    /// <summary>The alarm topic.</summary>
    public Topic Topic { get; }

    /// <summary>Every alarm.</summary>
    public IReadOnlyList<Alarm> Alarms { get; }

    /// <summary>The dashboard.</summary>
    public Dashboard Dashboard { get; }

    private static MetricOptions Sum() => new() { Statistic = "Sum", Period = FiveMinutes };

    private static Metric IotMetric(string name, Dictionary<string, string> dimensions) => new(new MetricProps
    {
        Namespace = "AWS/IoT",
        MetricName = name,
        DimensionsMap = dimensions,
        Statistic = "Sum",
        Period = FiveMinutes,
    });

    private static GraphWidget Graph(string title, params IMetric[] metrics) =>
        new(new GraphWidgetProps { Title = title, Left = metrics, Width = 8, Height = 6 });
}
