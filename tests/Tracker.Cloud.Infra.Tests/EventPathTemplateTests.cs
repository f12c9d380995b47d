using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Issue 16 on AWS in the template: the Derive tables, ingest deriving after it stores, the clock every minute, the
/// notifier on the events stream and on a retry schedule, each role scoped to what its code calls, SES only for the
/// configured sender, and the alarms.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class EventPathTemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    private static JsonObject Function(SynthFixture.Synthesized stage, string role) =>
        stage.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == stage.Names.Function(role));

    private static JsonObject Table(SynthFixture.Synthesized stage, string name) =>
        stage.Single("AWS::DynamoDB::Table", t => (string?)t["TableName"] == name);

    [SynthFact]
    public void EventsTable_StreamsNewImages_KeepsTheFixesRetention_AndHasTheFleetIndex()
    {
        JsonObject events = Table(Dev, Dev.Names.EventsTable);
        Assert.Equal("NEW_IMAGE", (string?)events["StreamSpecification"]!["StreamViewType"]);
        Assert.Equal("expiresAt", (string?)events["TimeToLiveSpecification"]!["AttributeName"]);
        Assert.Equal(["carId", "eventId"], events["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
        Assert.Equal("fleetByStart", (string?)Assert.Single(events["GlobalSecondaryIndexes"]!.AsArray())!["IndexName"]);

        JsonObject outbox = Table(Dev, Dev.Names.OutboxTable);
        Assert.Equal(DynamoDbNotifyStore.DueIndex, (string?)Assert.Single(outbox["GlobalSecondaryIndexes"]!.AsArray())!["IndexName"]);
        Assert.Equal("expiresAt", (string?)outbox["TimeToLiveSpecification"]!["AttributeName"]);
        Assert.Equal("expiresAt", (string?)Table(Dev, Dev.Names.StatusesTable)["TimeToLiveSpecification"]!["AttributeName"]);
        foreach (string name in new[] { Dev.Names.DeriveStateTable, Dev.Names.ZonesTable, Dev.Names.SubscriptionsTable })
        {
            JsonObject table = Table(Dev, name);
            Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
            Assert.True((bool)table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!);
            Assert.Equal("KMS", (string?)table["SSESpecification"]!["SSEType"]);
        }
    }

    [SynthFact]
    public void IngestAndTick_GetTheDeriveTables_AndTheClockRunsEveryMinuteWithoutRetries()
    {
        foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick })
        {
            JsonObject variables = Function(Dev, role)["Environment"]!["Variables"]!.AsObject();
            foreach (string variable in FunctionSettings.DeriveTableVariables)
            {
                Assert.True(variables.ContainsKey(variable), role + " lacks " + variable);
            }
        }

        JsonObject rule = Dev.Single("AWS::Events::Rule", r => (string?)r["Name"] == Dev.Names.TickRule);
        Assert.Equal("rate(1 minute)", (string?)rule["ScheduleExpression"]);
        Assert.Contains("FunctionsTick", Text(Assert.Single(List(rule["Targets"]))!["Arn"]), StringComparison.Ordinal);
        JsonObject asyncConfig = Dev.Single("AWS::Lambda::EventInvokeConfig", c => Text(c["FunctionName"]).Contains("FunctionsTick", StringComparison.Ordinal));
        Assert.Equal(0, (int)asyncConfig["MaximumRetryAttempts"]!);
    }

    [SynthFact]
    public void Notifier_ReadsTheEventsStream_UntilItSucceeds_ReportingPartialFailures_AndRetriesOnASchedule()
    {
        JsonObject mapping = Dev.Single("AWS::Lambda::EventSourceMapping", m => Text(m["FunctionName"]).Contains("FunctionsNotify", StringComparison.Ordinal)
            && Text(m["EventSourceArn"]).Contains("StreamArn", StringComparison.Ordinal));
        Assert.Contains("StoresEvents", Text(mapping["EventSourceArn"]), StringComparison.Ordinal);
        Assert.Contains("StreamArn", Text(mapping["EventSourceArn"]), StringComparison.Ordinal);
        Assert.Equal("TRIM_HORIZON", (string?)mapping["StartingPosition"]);
        Assert.Equal(-1, (int)mapping["MaximumRetryAttempts"]!);
        Assert.Equal(["ReportBatchItemFailures"], Strings(mapping["FunctionResponseTypes"]));
        Assert.Contains("StoresDeadLetters", Text(mapping["DestinationConfig"]!["OnFailure"]!["Destination"]), StringComparison.Ordinal);

        JsonObject rule = Dev.Single("AWS::Events::Rule", r => (string?)r["Name"] == Dev.Names.NotifyRetryRule);
        Assert.Equal("rate(1 minute)", (string?)rule["ScheduleExpression"]);
        JsonObject variables = Function(Dev, FunctionCatalog.Notify)["Environment"]!["Variables"]!.AsObject();
        Assert.Equal("alerts@fleet.example.com", (string?)variables[NotifySettings.EmailFromVariable]);
        Assert.Equal(Dev.Names.MetricNamespace, (string?)variables[NotifySettings.MetricNamespaceVariable]);
        Assert.False(Function(synth.Prod, FunctionCatalog.Notify)["Environment"]!["Variables"]!.AsObject().ContainsKey(NotifySettings.EmailFromVariable));
    }

    [SynthFact]
    public void Notifier_IsWokenByItsRetryQueueWhenARetryIsDue_TheScheduleOnlySweeps()
    {
        foreach (SynthFixture.Synthesized stage in new[] { Dev, synth.Prod })
        {
            JsonObject queue = stage.Single("AWS::SQS::Queue", q => (string?)q["QueueName"] == stage.Names.NotifyRetryQueue);
            Assert.Contains("StoresDataKey", Text(queue["KmsMasterKeyId"]), StringComparison.Ordinal);
            Assert.Equal(3600, (int)queue["MessageRetentionPeriod"]!);
            Assert.Equal(360, (int)queue["VisibilityTimeout"]!); // six times the notifier's 60 s timeout
            Assert.Equal(60, (int)Function(stage, FunctionCatalog.Notify)["Timeout"]!);

            string queueId = stage.Resources("AWS::SQS::Queue").Single(q => (string?)q.Properties["QueueName"] == stage.Names.NotifyRetryQueue).Id;
            JsonObject mapping = stage.Single("AWS::Lambda::EventSourceMapping", m => Text(m["FunctionName"]).Contains("FunctionsNotify", StringComparison.Ordinal)
                && Text(m["EventSourceArn"]).Contains(queueId, StringComparison.Ordinal));
            Assert.Equal(["ReportBatchItemFailures"], Strings(mapping["FunctionResponseTypes"]));
            Assert.Equal(0, (int)mapping["MaximumBatchingWindowInSeconds"]!);
            Assert.Contains(queueId, Text(Function(stage, FunctionCatalog.Notify)["Environment"]!["Variables"]![NotifySettings.RetryQueueUrlVariable]), StringComparison.Ordinal);

            // The notifier alone sends to and reads the queue, and only that queue.
            JsonObject sqs = Assert.Single(PolicyStatements.ForFunction(stage, stage.Names.Function(FunctionCatalog.Notify)), s => Strings(s["Action"]).Contains("sqs:ReceiveMessage"));
            Assert.Equal(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Strings(sqs["Action"]));
            Assert.Contains(queueId, Assert.Single(Strings(sqs["Resource"])), StringComparison.Ordinal);
            foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick, FunctionCatalog.Api })
            {
                Assert.DoesNotContain(PolicyStatements.ForFunction(stage, stage.Names.Function(role)), s => Strings(s["Resource"]).Any(r => r.Contains(queueId, StringComparison.Ordinal)));
            }
        }

        Assert.Equal(60, (int)Tracker.Cloud.Infra.Compute.TrackerFunctions.NotifyRetryEvery.ToSeconds()); // the sweep
        Assert.True(RetryWake.MaxDelaySeconds >= Tracker.Cloud.Notify.Outbox.NotifyOptions.Default.BackoffMax.TotalSeconds, "the longest backoff must fit in one SQS delay");
    }

    [SynthFact]
    public void NoFunction_MayLetWebhooksReachPrivateAddresses()
    {
        foreach (SynthFixture.Synthesized stage in new[] { Dev, synth.Prod })
        {
            foreach ((_, JsonObject function) in stage.Resources("AWS::Lambda::Function"))
            {
                Assert.DoesNotContain(NotifySettings.WebhookAllowPrivateVariable, function["Environment"]?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }

    [SynthFact]
    public void Notifier_MaySendMailOnlyAsTheConfiguredSender_AndTouchesNoEventOrFixItem()
    {
        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Notify)).ToList();
        JsonObject ses = Assert.Single(statements, s => Strings(s["Action"]).Any(a => a.StartsWith("ses:", StringComparison.Ordinal)));
        Assert.Equal(["ses:SendEmail"], Strings(ses["Action"]));
        Assert.All(Strings(ses["Resource"]), r => Assert.Contains(":identity/", r, StringComparison.Ordinal));
        Assert.Contains(Strings(ses["Resource"]), r => r.EndsWith(":identity/alerts@fleet.example.com", StringComparison.Ordinal));
        Assert.Equal("alerts@fleet.example.com", (string?)ses["Condition"]!["StringEquals"]!["ses:FromAddress"]);
        Assert.DoesNotContain(PolicyStatements.ForFunction(synth.Prod, synth.Prod.Names.Function(FunctionCatalog.Notify)), s => Strings(s["Action"]).Any(a => a.StartsWith("ses:", StringComparison.Ordinal)));

        string[] itemActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
        foreach (JsonObject statement in statements.Where(s => Strings(s["Action"]).Any(itemActions.Contains)))
        {
            Assert.All(Strings(statement["Resource"]), r => Assert.True(r.Contains("StoresSubscriptions", StringComparison.Ordinal) || r.Contains("StoresOutbox", StringComparison.Ordinal), r));
        }

        JsonObject stream = Assert.Single(statements, s => Strings(s["Action"]).Contains("dynamodb:GetRecords"));
        Assert.Contains("StoresEvents", Assert.Single(Strings(stream["Resource"])), StringComparison.Ordinal);
    }

    [SynthFact]
    public void Tick_ScansOnlyTheDeriveState_AndWritesNoFixes()
    {
        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Tick)).ToList();
        JsonObject scan = Assert.Single(statements, s => Strings(s["Action"]).Contains("dynamodb:Scan") && Strings(s["Resource"]).Any(r => r.Contains("StoresDeriveState", StringComparison.Ordinal)));
        Assert.Single(Strings(scan["Resource"]));
        Assert.DoesNotContain(statements, s => Strings(s["Resource"]).Any(r => r.Contains("StoresFixes", StringComparison.Ordinal) || r.Contains("StoresOutbox", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(a => a.EndsWith('*')));

        // Ingest derives, but it never reads subscriptions or writes the outbox: that is the notifier's.
        Assert.DoesNotContain(PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Ingest)),
            s => Strings(s["Resource"]).Any(r => r.Contains("StoresOutbox", StringComparison.Ordinal) || r.Contains("StoresSubscriptions", StringComparison.Ordinal)));
    }

    [SynthFact]
    public void Alarms_CoverFailedNotifications_NotifierAndTickErrors_AndANotifierBehindTheStream()
    {
        foreach (string name in new[] { "notifications-failed", "notifier-errors", "notifier-behind", "tick-errors", "dead-letters", "event-publishes-failed" })
        {
            JsonObject alarm = Dev.Single("AWS::CloudWatch::Alarm", a => (string?)a["AlarmName"] == Dev.Names.Alarm(name));
            Assert.NotEmpty(List(alarm["AlarmActions"]));
            Assert.Equal("notBreaching", (string?)alarm["TreatMissingData"]);
        }

        JsonObject failed = Dev.Single("AWS::CloudWatch::Alarm", a => (string?)a["AlarmName"] == Dev.Names.Alarm("notifications-failed"));
        JsonNode metric = failed["Metrics"]![0]!["MetricStat"]!["Metric"]!;
        Assert.Equal(Dev.Names.MetricNamespace, (string?)metric["Namespace"]);
        Assert.Equal(NotifyHandler.MetricFailed, (string?)metric["MetricName"]);
    }

    [SynthFact]
    public void EventPublishesFailed_RaisesAnAlarm_OnTheMetricIngestAndTickEmit()
    {
        foreach (SynthFixture.Synthesized stage in new[] { Dev, synth.Prod })
        {
            JsonObject alarm = stage.Single("AWS::CloudWatch::Alarm", a => (string?)a["AlarmName"] == stage.Names.Alarm("event-publishes-failed"));
            Assert.NotEmpty(List(alarm["AlarmActions"]));
            Assert.Equal("notBreaching", (string?)alarm["TreatMissingData"]);
            Assert.Equal(Tracker.Cloud.Infra.Operations.Monitoring.EventPublishesFailedThreshold, (int)alarm["Threshold"]!);
            Assert.Equal("GreaterThanOrEqualToThreshold", (string?)alarm["ComparisonOperator"]);
            JsonNode metric = alarm["Metrics"]?[0]?["MetricStat"]?["Metric"] ?? alarm;
            Assert.Equal(stage.Names.MetricNamespace, (string?)metric["Namespace"]);
            Assert.Equal(Tracker.Cloud.Lambda.Live.IotEventPublisher.MetricFailed, (string?)metric["MetricName"]);
            Assert.Equal("Sum", (string?)(alarm["Metrics"]?[0]?["MetricStat"]?["Stat"] ?? alarm["Statistic"]));
            Assert.Equal(300, (int)(alarm["Metrics"]?[0]?["MetricStat"]?["Period"] ?? alarm["Period"])!);

            // The functions that publish put their metrics in that namespace (the embedded metric has no dimension).
            foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick })
            {
                Assert.Equal(stage.Names.MetricNamespace, (string?)Function(stage, role)["Environment"]!["Variables"]![NotifySettings.MetricNamespaceVariable]);
            }
        }
    }

    [SynthFact]
    public void ApiFunction_ServesTheEventRoutes_OverTheTablesItNeeds_GetsOnlyACarsState_AndTouchesNoStatusOrFix()
    {
        JsonObject variables = Function(Dev, FunctionCatalog.Api)["Environment"]!["Variables"]!.AsObject();
        foreach (string variable in FunctionSettings.DeriveTableVariables.Append(FunctionSettings.LimitsTableVariable).Append(NotifySettings.SubscriptionsTableVariable).Append(NotifySettings.OutboxTableVariable))
        {
            Assert.True(variables.ContainsKey(variable), "api lacks " + variable);
        }

        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Api)).ToList();
        Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(a => a.EndsWith('*')));
        string[] writes = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
        foreach (JsonObject statement in statements.Where(s => Strings(s["Action"]).Any(writes.Contains)))
        {
            Assert.All(Strings(statement["Resource"]), r => Assert.True(
                new[] { "StoresEvents", "StoresZones", "StoresLimits", "StoresSubscriptions", "StoresTrips", "StoresOutbox" }.Any(t => r.Contains(t, StringComparison.Ordinal)), r));
        }

        // Events: query (the car's, and the fleet's index) and acknowledge (update, read back); never delete one.
        JsonObject events = Assert.Single(statements, s => Strings(s["Resource"]).Any(r => r.Contains("StoresEvents", StringComparison.Ordinal)) && Strings(s["Action"]).Contains("dynamodb:UpdateItem"));
        Assert.DoesNotContain("dynamodb:DeleteItem", Strings(events["Action"]));
        Assert.Contains(statements, s => Strings(s["Action"]).Contains("dynamodb:Query") && Strings(s["Resource"]).Any(r => r.Contains("/index/" + Tracker.Cloud.DynamoDb.Derive.DynamoDbDeriveTables.FleetIndex, StringComparison.Ordinal)));

        // The outbox is read (the notifications' pages) and updated (an operator's redelivery of a failed one), never
        // written whole or deleted; a car's Derive state is only got (its odometer, issue 17); the statuses and the fixes'
        // writes are not the API's.
        Assert.All(statements.Where(s => Strings(s["Resource"]).Any(r => r.Contains("StoresOutbox", StringComparison.Ordinal))), s => Assert.Equal(["dynamodb:Scan", "dynamodb:UpdateItem"], Strings(s["Action"]).Order(StringComparer.Ordinal)));
        Assert.All(statements.Where(s => Strings(s["Resource"]).Any(r => r.Contains("StoresDeriveState", StringComparison.Ordinal))), s => Assert.Equal(["dynamodb:GetItem"], Strings(s["Action"])));
        Assert.Contains(statements, s => Strings(s["Resource"]).Any(r => r.Contains("StoresDeriveState", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements, s => Strings(s["Resource"]).Any(r => r.Contains("StoresStatuses", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(writes.Contains) && Strings(s["Resource"]).Any(r => r.Contains("StoresFixes", StringComparison.Ordinal) || r.Contains("StoresLatest", StringComparison.Ordinal) || r.Contains("StoresRentals", StringComparison.Ordinal)));
    }

    [SynthFact]
    public void HttpApi_RoutesTheEventPaths_WithTheirMethodsOnly_AndCloudFrontPassesWrites()
    {
        List<string> keys = Dev.Resources("AWS::ApiGatewayV2::Route").Select(r => (string)r.Properties["RouteKey"]!).ToList();
        foreach (string key in new[] { "GET /events", "GET /cars/{carId}/events", "POST /cars/{carId}/events/{eventId}/acknowledge", "GET /zones", "PUT /zones/{zoneId}", "DELETE /zones/{zoneId}", "GET /limits", "PUT /limits", "GET /subscriptions", "PUT /subscriptions/{subscriptionId}", "DELETE /subscriptions/{subscriptionId}", "GET /notifications", "POST /notifications/{deliveryId}/redeliver" })
        {
            Assert.Contains(key, keys);
        }

        Assert.DoesNotContain("DELETE /events", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("ANY ", StringComparison.Ordinal) || k.Contains("{proxy+}", StringComparison.Ordinal));

        JsonNode config = Dev.Single("AWS::CloudFront::Distribution")["DistributionConfig"]!;
        foreach (string pattern in new[] { "/events*", "/zones*", "/limits*", "/subscriptions*", "/notifications*", "/cars*" })
        {
            JsonNode behavior = config["CacheBehaviors"]!.AsArray().Single(b => (string?)b!["PathPattern"] == pattern)!;
            Assert.Contains("POST", Strings(behavior["AllowedMethods"]));
            Assert.Contains("DELETE", Strings(behavior["AllowedMethods"]));
            Assert.Equal("https-only", (string?)behavior["ViewerProtocolPolicy"]);
            Assert.Contains("execute-api", Text(config["Origins"]!.AsArray().Single(o => (string?)o!["Id"] == (string?)behavior["TargetOriginId"])!["DomainName"]), StringComparison.Ordinal);
        }

        JsonNode me = config["CacheBehaviors"]!.AsArray().Single(b => (string?)b!["PathPattern"] == "/me")!;
        Assert.DoesNotContain("POST", Strings(me["AllowedMethods"]));
    }

    [SynthFact]
    public void StatusMessages_ReachIngest_ThroughTheirOwnRule_AndIngestMayOnlyAddStatuses()
    {
        JsonObject rule = Dev.Single("AWS::IoT::TopicRule", r => (string?)r["RuleName"] == Dev.Names.StatusDeriveRule);
        JsonNode payload = rule["TopicRulePayload"]!;
        Assert.Equal(Tracker.Cloud.Infra.Iot.DeviceFleet.StatusDeriveSql, (string?)payload["Sql"]);
        Assert.Contains("FROM 'tracker/+/status'", (string?)payload["Sql"], StringComparison.Ordinal);
        Assert.Contains("FunctionsIngest", Text(Assert.Single(List(payload["Actions"]))!["Lambda"]!["FunctionArn"]), StringComparison.Ordinal);
        Assert.NotNull(payload["ErrorAction"]);
        JsonObject permission = Dev.Single("AWS::Lambda::Permission", p => Text(p["SourceArn"]).Contains("StatusDeriveRule", StringComparison.Ordinal));
        Assert.Contains("FunctionsIngest", Text(permission["FunctionName"]), StringComparison.Ordinal);
        Assert.Equal("iot.amazonaws.com", (string?)permission["Principal"]);

        // The republish rule is unchanged: verbatim to browsers.
        Assert.Equal(Tracker.Cloud.Infra.Iot.DeviceFleet.StatusSql, (string?)Dev.Single("AWS::IoT::TopicRule", r => (string?)r["RuleName"] == Dev.Names.StatusRule)["TopicRulePayload"]!["Sql"]);

        List<JsonObject> ingest = PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Ingest)).ToList();
        JsonObject put = Assert.Single(ingest, s => Strings(s["Action"]).Contains("dynamodb:PutItem") && Strings(s["Resource"]).Any(r => r.Contains("StoresStatuses", StringComparison.Ordinal)));
        Assert.Equal(["dynamodb:PutItem"], Strings(put["Action"]));
        Assert.DoesNotContain(ingest, s => Strings(s["Resource"]).Any(r => r.Contains("StoresStatuses", StringComparison.Ordinal)) && Strings(s["Action"]).Any(a => a is "dynamodb:DeleteItem" or "dynamodb:UpdateItem"));

        // Ingest and tick read the thresholds, and never write them.
        foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick })
        {
            Assert.Contains("StoresLimits", Text(Function(Dev, role)["Environment"]!["Variables"]![FunctionSettings.LimitsTableVariable]), StringComparison.Ordinal);
            Assert.All(
                PolicyStatements.ForFunction(Dev, Dev.Names.Function(role)).Where(s => Strings(s["Resource"]).Any(r => r.Contains("StoresLimits", StringComparison.Ordinal))),
                s => Assert.Equal(["dynamodb:Scan"], Strings(s["Action"])));
        }

        Assert.Equal("PAY_PER_REQUEST", (string?)Table(Dev, Dev.Names.LimitsTable)["BillingMode"]);
    }
}
