using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Infra.Api;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Infra.Iot;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Provisioning.Cloud;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>What the synthesized template must say: storage, functions, IoT, API, web, analytics, alarms.</summary>
[Collection(SynthCollection.Name)]
public sealed class TemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void FixesTable_HasTtlOnExpiresAt_OnDemand_Pitr_AndTheCustomerKey()
    {
        Dev.Template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["TableName"] = Dev.Names.FixesTable,
            ["KeySchema"] = new object[]
            {
                new Dictionary<string, object> { ["AttributeName"] = "carId", ["KeyType"] = "HASH" },
                new Dictionary<string, object> { ["AttributeName"] = "ts", ["KeyType"] = "RANGE" },
            },
            ["TimeToLiveSpecification"] = new Dictionary<string, object> { ["AttributeName"] = "expiresAt", ["Enabled"] = true },
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
            ["SSESpecification"] = Match.ObjectLike(new Dictionary<string, object> { ["SSEEnabled"] = true, ["SSEType"] = "KMS", ["KMSMasterKeyId"] = Match.AnyValue() }),
        });
    }

    [SynthFact]
    public void EveryTable_IsOnDemand_WithPitr_EncryptedWithTheCustomerKey()
    {
        List<(string Id, JsonObject Properties)> tables = Dev.Resources("AWS::DynamoDB::Table").ToList();

        string[] expected =
        [
            Dev.Names.FixesTable, Dev.Names.LatestTable, Dev.Names.LiveGrantsTable, Dev.Names.RentalsTable,
            Dev.Names.DeriveStateTable, Dev.Names.EventsTable, Dev.Names.StatusesTable, Dev.Names.ZonesTable, Dev.Names.SubscriptionsTable, Dev.Names.OutboxTable,
            Dev.Names.LimitsTable, Dev.Names.TripsTable,
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), tables.Select(t => (string)t.Properties["TableName"]!).Order(StringComparer.Ordinal));
        Assert.All(tables, t =>
        {
            Assert.Equal("PAY_PER_REQUEST", (string?)t.Properties["BillingMode"]);
            Assert.True((bool)t.Properties["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!);
            Assert.Equal("KMS", (string?)t.Properties["SSESpecification"]!["SSEType"]);
            Assert.Contains("StoresDataKey", Text(t.Properties["SSESpecification"]!["KMSMasterKeyId"]), StringComparison.Ordinal);
        });
    }

    [SynthFact]
    public void RentalsTable_HasTheByRenterIndexTheStoreQueries()
    {
        JsonObject rentals = Dev.Single("AWS::DynamoDB::Table", t => (string?)t["TableName"] == Dev.Names.RentalsTable);
        JsonNode index = Assert.Single(rentals["GlobalSecondaryIndexes"]!.AsArray())!;

        Assert.Equal(Tracker.Cloud.DynamoDb.DynamoDbStore.RenterIndexName, (string?)index["IndexName"]);
        Assert.Equal(["renter", "fromMs"], index["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
    }

    [SynthFact]
    public void ProdTables_AreDeletionProtectedAndRetained()
    {
        Assert.All(synth.Prod.Resources("AWS::DynamoDB::Table"), t => Assert.True((bool)t.Properties["DeletionProtectionEnabled"]!));
        synth.Prod.Template.HasResource("AWS::DynamoDB::Table", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain" });
        Assert.All(Dev.Resources("AWS::DynamoDB::Table"), t => Assert.False((bool?)t.Properties["DeletionProtectionEnabled"] ?? false));
    }

    [SynthFact]
    public void EveryBucket_IsEncrypted_TlsOnly_AndBlocksPublicAccess()
    {
        List<(string Id, JsonObject Properties)> buckets = Dev.Resources("AWS::S3::Bucket").ToList();
        Assert.Equal(3, buckets.Count);
        foreach ((string id, JsonObject bucket) in buckets)
        {
            JsonNode rule = bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!;
            Assert.Contains((string?)rule["SSEAlgorithm"], new[] { "aws:kms", "AES256" });
            JsonNode block = bucket["PublicAccessBlockConfiguration"]!;
            Assert.All(new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }, k => Assert.True((bool)block[k]!));

            JsonObject policy = Dev.Single("AWS::S3::BucketPolicy", p => Text(p["Bucket"]) == "{Ref:" + id + "}");
            Assert.Contains(List(policy["PolicyDocument"]!["Statement"]), s =>
                (string?)s!["Effect"] == "Deny" && (string?)s["Condition"]?["Bool"]?["aws:SecureTransport"] == "false");
        }
    }

    [SynthFact]
    public void ArchiveBucket_UsesTheCustomerKey_AndMovesFixesToColderTiers()
    {
        JsonObject archive = Dev.Single("AWS::S3::Bucket", b => b["LifecycleConfiguration"] is not null);
        JsonNode sse = archive["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!;
        Assert.Equal("aws:kms", (string?)sse["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        Assert.Contains("StoresDataKey", Text(sse["ServerSideEncryptionByDefault"]!["KMSMasterKeyID"]), StringComparison.Ordinal);
        Assert.True((bool)sse["BucketKeyEnabled"]!);

        JsonNode fixesRule = archive["LifecycleConfiguration"]!["Rules"]!.AsArray().Single(r => (string?)r!["Prefix"] == "fixes/")!;
        Assert.Equal(
            ["STANDARD_IA:30", "GLACIER_IR:90", "GLACIER:365"],
            fixesRule["Transitions"]!.AsArray().Select(t => (string)t!["StorageClass"]! + ":" + (int)t["TransitionInDays"]!));
    }

    [SynthFact]
    public void QueueTopicAndLogGroups_AreEncryptedWithTheCustomerKey()
    {
        List<(string Id, JsonObject Properties)> queues = Dev.Resources("AWS::SQS::Queue").ToList();
        Assert.Equal(2, queues.Count); // the dead letters and the notifier's retry wake-ups
        Assert.All(queues, q => Assert.Contains("StoresDataKey", Text(q.Properties["KmsMasterKeyId"]), StringComparison.Ordinal));
        Assert.Contains("StoresDataKey", Text(Dev.Single("AWS::SNS::Topic")["KmsMasterKeyId"]), StringComparison.Ordinal);
        List<(string Id, JsonObject Properties)> logs = Dev.Resources("AWS::Logs::LogGroup").ToList();
        Assert.Equal(8, logs.Count); // seven functions and the HTTP API
        Assert.All(logs, l => Assert.Contains("StoresDataKey", Text(l.Properties["KmsKeyId"]), StringComparison.Ordinal));
        Assert.True((bool)Dev.Single("AWS::KMS::Key")["EnableKeyRotation"]!);
    }

    [SynthFact]
    public void NoAllowStatement_AnywhereHasAWildcardAction()
    {
        foreach (SynthFixture.Synthesized stage in new[] { synth.Dev, synth.Prod })
        {
            List<(string Where, JsonObject Statement)> statements = PolicyStatements.All(stage).ToList();
            Assert.True(statements.Count > 30, "expected the stack's policies, found " + statements.Count + " statements");
            foreach ((string where, JsonObject statement) in statements.Where(s => (string?)s.Statement["Effect"] == "Allow"))
            {
                if (PolicyStatements.IsKeyPolicyRootDelegation(where, statement))
                {
                    // The default key policy: the account root may administer the key, which hands
                    // the decision to IAM policies (AWS KMS developer guide, "Default key policy").
                    continue;
                }

                Assert.All(Strings(statement["Action"]), action => Assert.False(action.Contains('*'), where + " allows the wildcard action " + action));
            }
        }
    }

    [SynthFact]
    public void IdentityPolicies_UseResourceStarOnlyForActionsWithoutResourceLevelPermissions()
    {
        // dynamodb:ListStreams has no resource-level permissions; Lambda's stream poller for live-disconnect needs it.
        // iot:ListJobs and iot:ListThingGroups have none either (the Service Authorization Reference lists no resource type); the
        // API lists jobs for its rollouts and thing groups for its groups.
        string[] allowed = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData", "dynamodb:ListStreams", "iot:ListJobs", "iot:ListThingGroups"];
        foreach ((string where, JsonObject statement) in PolicyStatements.Identity(Dev).Where(s => (string?)s.Statement["Effect"] == "Allow"))
        {
            if (Strings(statement["Resource"]).Contains("*"))
            {
                Assert.All(Strings(statement["Action"]), a => Assert.Contains(a, allowed));
                if (Strings(statement["Action"]).Contains("cloudwatch:PutMetricData"))
                {
                    Assert.Equal(Dev.Names.MetricNamespace, (string?)statement["Condition"]!["StringEquals"]!["cloudwatch:namespace"]);
                }
            }
        }
    }

    [SynthFact]
    public void OnlyTheJitpRole_HasAManagedPolicy_AndEachFunctionHasItsOwnRole()
    {
        List<JsonObject> withManaged = Dev.Resources("AWS::IAM::Role").Select(r => r.Properties).Where(r => r["ManagedPolicyArns"] is not null).ToList();
        JsonObject jitp = Assert.Single(withManaged);
        Assert.EndsWith(":iam::aws:policy/service-role/AWSIoTThingsRegistration", Assert.Single(Strings(jitp["ManagedPolicyArns"])), StringComparison.Ordinal);
        Assert.Equal("iot.amazonaws.com", (string?)jitp["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]);

        List<string> roles = Dev.Resources("AWS::Lambda::Function").Select(f => Text(f.Properties["Role"])).ToList();
        Assert.Equal(7, roles.Distinct().Count());
    }

    [SynthFact]
    public void FunctionRoles_NameOnlyWhatTheirCodeCalls()
    {
        Dictionary<string, HashSet<string>> actions = PolicyStatements.ActionsByFunction(Dev);

        Assert.Equal(["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"], Data(actions[Dev.Names.Function("ingest")]));
        Assert.Equal(["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem", "s3:GetObject", "s3:ListBucket", "s3:PutObject"], Data(actions[Dev.Names.Function("api")])); // s3: the update images (issue 18)
        Assert.Equal(["dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"], Data(actions[Dev.Names.Function("archive")]));
        Assert.Equal(["dynamodb:PutItem", "dynamodb:Query"], Data(actions[Dev.Names.Function("live-authorizer")]));
        Assert.Equal(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", "dynamodb:Query"], Data(actions[Dev.Names.Function("live-disconnect")]));
        Assert.Equal(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"], Data(actions[Dev.Names.Function("tick")]));
        Assert.Equal(["dynamodb:DescribeStream", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"], Data(actions[Dev.Names.Function("notify")]));

        static IEnumerable<string> Data(HashSet<string> all) => all.Where(a => a.StartsWith("dynamodb:", StringComparison.Ordinal) || a.StartsWith("s3:", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
    }

    [SynthFact]
    public void LiveAuthorizer_ReadsOnlyTheRentersIndex()
    {
        List<string> resources = PolicyStatements.ForFunction(Dev, Dev.Names.Function("live-authorizer"))
            .Where(s => Strings(s["Action"]).Any(a => a.StartsWith("dynamodb:Query", StringComparison.Ordinal)))
            .SelectMany(s => Strings(s["Resource"]))
            .ToList();

        string resource = Assert.Single(resources);
        Assert.EndsWith("/index/" + Tracker.Cloud.DynamoDb.DynamoDbStore.RenterIndexName, resource, StringComparison.Ordinal);
    }

    [SynthFact]
    public void Functions_RunTheCustomRuntimeOnArm64_WithJsonLogsAndTracing()
    {
        List<JsonObject> functions = Dev.Resources("AWS::Lambda::Function").Select(f => f.Properties).ToList();

        Assert.Equal(7, functions.Count);
        Assert.All(functions, f =>
        {
            Assert.Equal("provided.al2023", (string?)f["Runtime"]);
            Assert.Equal(["arm64"], Strings(f["Architectures"]));
            Assert.Equal("JSON", (string?)f["LoggingConfig"]!["LogFormat"]);
            Assert.Equal("Active", (string?)f["TracingConfig"]!["Mode"]);
            Assert.StartsWith(Dev.Names.Prefix + "-", (string?)f["FunctionName"], StringComparison.Ordinal);
        });
    }

    [SynthFact]
    public void OnlyProdReservesConcurrency_SoADevStackDeploysOnAnAccountWithTheDefaultQuota()
    {
        // Lambda keeps 10 unreserved: with a quota of 10 (new accounts), any reservation fails the deploy.
        Assert.All(Dev.Resources("AWS::Lambda::Function"), f => Assert.Null(f.Properties["ReservedConcurrentExecutions"]));
        Assert.Equal(100, (int)synth.Prod.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == synth.Prod.Names.Function("ingest"))["ReservedConcurrentExecutions"]!);
        Assert.Null(synth.Prod.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == synth.Prod.Names.Function("archive"))["ReservedConcurrentExecutions"]);
    }

    [SynthFact]
    public void AsynchronouslyInvokedFunctions_SendWhatFailsEveryRetryToTheDlq()
    {
        // IoT rules and EventBridge invoke asynchronously: after Lambda's retries the function's own
        // dead-letter queue is where a failed event goes, not the rule's error action.
        foreach (string role in new[] { "ingest", "archive" })
        {
            JsonObject function = Function(Dev.Names.Function(role));
            Assert.Contains("StoresDeadLetters", Text(function["DeadLetterConfig"]!["TargetArn"]), StringComparison.Ordinal);
            string logicalId = Dev.Resources("AWS::Lambda::Function").Single(f => (string?)f.Properties["FunctionName"] == Dev.Names.Function(role)).Id;
            JsonObject invokeConfig = Dev.Resources("AWS::Lambda::EventInvokeConfig").Single(c => Text(c.Properties["FunctionName"]).Contains(logicalId, StringComparison.Ordinal)).Properties;
            Assert.Equal(2, (int)invokeConfig["MaximumRetryAttempts"]!);
        }

        foreach (string role in new[] { "api", "live-authorizer" })
        {
            Assert.Null(Function(Dev.Names.Function(role))["DeadLetterConfig"]);
        }
    }

    [SynthFact]
    public void Functions_GetTheEnvironmentTheirSettingsRead()
    {
        JsonObject Env(string role) => Function(Dev.Names.Function(role))["Environment"]!["Variables"]!.AsObject();

        foreach (string role in new[] { "ingest", "api", "archive", "live-authorizer" })
        {
            Assert.Contains(FunctionSettings.FixesTableVariable, Env(role).Select(p => p.Key));
            Assert.Contains(FunctionSettings.RentalsTableVariable, Env(role).Select(p => p.Key));
        }

        Assert.Equal("fixes/", (string?)Env("archive")[ArchiveSettings.PrefixVariable]);
        Assert.Contains(ArchiveSettings.BucketVariable, Env("archive").Select(p => p.Key));
        Assert.StartsWith("https://cognito-idp.", Text(Env("live-authorizer")[LiveAuthorizerSettings.IssuerVariable]), StringComparison.Ordinal);
        Assert.Equal("arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}", Text(Env("live-authorizer")[LiveAuthorizerSettings.IotResourcePrefixVariable]));
        Assert.Contains("WebClient", Text(Env("live-authorizer")[LiveAuthorizerSettings.ClientIdsVariable]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void ArchiveFunction_RunsDailyOnASchedule()
    {
        JsonObject rule = Dev.Single("AWS::Events::Rule", r => Text(r["Targets"]![0]!["Arn"]).Contains("FunctionsArchive", StringComparison.Ordinal));

        Assert.Equal("cron(30 0 * * ? *)", (string?)rule["ScheduleExpression"]);
        Assert.Contains("FunctionsArchive", Text(rule["Targets"]![0]!["Arn"]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void DevicePolicy_IsTheProvisioningPolicy_BoundToTheThingNameInThisAccount()
    {
        JsonObject policy = Dev.Single("AWS::IoT::Policy");
        Assert.Equal(Dev.Names.DevicePolicy, (string?)policy["PolicyName"]);

        IReadOnlyList<JsonNode?> statements = List(policy["PolicyDocument"]!["Statement"]);
        Assert.Equal(4, statements.Count);
        foreach (JsonNode? statement in statements)
        {
            Assert.All(Strings(statement!["Resource"]), r =>
            {
                Assert.Contains(IotPolicyDocument.ThingNameVariable, r, StringComparison.Ordinal);
                Assert.StartsWith("arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:", r, StringComparison.Ordinal);
            });
        }
    }

    [SynthFact]
    public void DevicePolicy_LetsACarReachItsOwnShadowAndJobs_ForRemoteConfigAndUpdates()
    {
        IReadOnlyList<JsonNode?> statements = List(Dev.Single("AWS::IoT::Policy")["PolicyDocument"]!["Statement"]);
        foreach ((string action, string kind) in new[] { ("iot:Publish", "topic"), ("iot:Subscribe", "topicfilter"), ("iot:Receive", "topic") })
        {
            IReadOnlyList<string> resources = Strings(statements.Single(s => Text(s!["Action"]) == action)!["Resource"]);
            foreach (string what in new[] { "shadow", "jobs" })
            {
                Assert.Contains(resources, r => r.EndsWith(":" + kind + "/$aws/things/" + IotPolicyDocument.ThingNameVariable + "/" + what + "/*", StringComparison.Ordinal));
            }
        }
    }

    [SynthFact]
    public void UpdateImages_ArePrivate_AndNoRolePreSignsThem()
    {
        JsonObject bucket = Assert.Single(Dev.Resources("AWS::S3::Bucket"), b => b.Id.StartsWith("UpdatesImages", StringComparison.Ordinal)).Properties;
        Assert.True((bool)bucket["PublicAccessBlockConfiguration"]!["BlockPublicPolicy"]!);
        Assert.DoesNotContain(Dev.Resources("AWS::IAM::Role"), r => Text(r.Properties["AssumeRolePolicyDocument"]).Contains("iot.amazonaws.com", StringComparison.Ordinal) && Text(r.Properties["Description"]).Contains("pre-sign", StringComparison.Ordinal));
        Assert.DoesNotContain(Dev.Resources("AWS::IAM::Policy"), p => Text(p.Properties["PolicyDocument"]).Contains("iam:PassRole", StringComparison.Ordinal));
    }

    [SynthFact]
    public void DevicePolicy_AllowsFixesOnlyThroughThisStagesBasicIngestRule()
    {
        foreach (SynthFixture.Synthesized stage in new[] { Dev, synth.Prod })
        {
            JsonNode publish = List(stage.Single("AWS::IoT::Policy")["PolicyDocument"]!["Statement"]).Single(s => Text(s!["Action"]) == "iot:Publish")!;
            List<string> fixes = Strings(publish["Resource"]).Where(r => r.EndsWith("/fixes", StringComparison.Ordinal)).ToList();

            string only = Assert.Single(fixes);
            Assert.EndsWith(":topic/$aws/rules/" + stage.Names.FixesRule + "/tracker/" + IotPolicyDocument.ThingNameVariable + "/fixes", only, StringComparison.Ordinal);
        }
    }

    [SynthFact]
    public void FleetCa_IsRegisteredWithAutoRegistrationAndTheJitpTemplate()
    {
        JsonObject ca = Dev.Single("AWS::IoT::CACertificate");

        Assert.Equal(synth.CaPem, (string?)ca["CACertificatePem"]);
        Assert.Equal("ENABLE", (string?)ca["AutoRegistrationStatus"]);
        Assert.Equal("ACTIVE", (string?)ca["Status"]);
        Assert.Equal(JitpTemplate.Build(Dev.Names.DevicePolicy), (string?)ca["RegistrationConfig"]!["TemplateBody"]);
        Assert.Contains("FleetJitpRole", Text(ca["RegistrationConfig"]!["RoleArn"]), StringComparison.Ordinal);
        Assert.Empty(synth.Prod.Resources("AWS::IoT::CACertificate"));
    }

    [SynthFact]
    public void FixesRule_IsTheBasicIngestRule_InvokingIngest_RepublishingForBrowsers_WithADlq()
    {
        JsonObject rule = Dev.Single("AWS::IoT::TopicRule", r => (string?)r["RuleName"] == Dev.Names.FixesRule);
        JsonNode payload = rule["TopicRulePayload"]!;

        Assert.Equal(DeviceFleet.FixesSql, (string?)payload["Sql"]);
        Assert.Contains("FROM 'tracker/+/fixes'", DeviceFleet.FixesSql, StringComparison.Ordinal);
        Assert.True(Tracker.Core.Uplink.UplinkTopics.IsValidRuleName(Dev.Names.FixesRule));
        JsonArray actions = payload["Actions"]!.AsArray();
        Assert.Contains("FunctionsIngest", Text(actions[0]!["Lambda"]!["FunctionArn"]), StringComparison.Ordinal);
        Assert.Equal("fleet/${topic(2)}/fixes", (string?)actions[1]!["Republish"]!["Topic"]);
        Assert.Contains("StoresDeadLetters", Text(payload["ErrorAction"]!["Sqs"]!["QueueUrl"]), StringComparison.Ordinal);

        JsonObject permission = Dev.Single("AWS::Lambda::Permission", p => Text(p["SourceArn"]).Contains("FleetFixesRule", StringComparison.Ordinal));
        Assert.Equal("iot.amazonaws.com", (string?)permission["Principal"]);
    }

    [SynthFact]
    public void StatusRule_RepublishesTheStatusVerbatim()
    {
        JsonNode payload = Dev.Single("AWS::IoT::TopicRule", r => (string?)r["RuleName"] == Dev.Names.StatusRule)["TopicRulePayload"]!;

        Assert.Equal("SELECT * FROM 'tracker/+/status'", (string?)payload["Sql"]);
        Assert.Equal(LiveTopics.Status("${topic(2)}"), (string?)payload["Actions"]![0]!["Republish"]!["Topic"]);
    }

    [SynthFact]
    public void PresenceRule_CountsCarsGoingOffline_NotBrowsers()
    {
        JsonNode payload = Dev.Single("AWS::IoT::TopicRule", r => (string?)r["RuleName"] == Dev.Names.PresenceRule)["TopicRulePayload"]!;
        string sql = (string)payload["Sql"]!;

        Assert.Contains("'$aws/events/presence/disconnected/+'", sql, StringComparison.Ordinal);
        Assert.Contains("NOT startswith(clientId, 'web-')", sql, StringComparison.Ordinal);
        JsonNode metric = payload["Actions"]![0]!["CloudwatchMetric"]!;
        Assert.Equal(Dev.Names.MetricNamespace, (string?)metric["MetricNamespace"]);
        Assert.Equal(DeviceFleet.CarsWentOfflineMetric, (string?)metric["MetricName"]);
    }

    [SynthFact]
    public void LiveAuthorizer_HasSigningDisabled_AndMayInvokeOnlyItsFunction()
    {
        JsonObject authorizer = Dev.Single("AWS::IoT::Authorizer");

        Assert.Equal(Dev.Names.LiveAuthorizer, (string?)authorizer["AuthorizerName"]);
        Assert.True((bool)authorizer["SigningDisabled"]!);
        Assert.Equal("ACTIVE", (string?)authorizer["Status"]);
        Assert.Contains("FunctionsLiveAuthorizer", Text(authorizer["AuthorizerFunctionArn"]), StringComparison.Ordinal);
        JsonObject permission = Dev.Single("AWS::Lambda::Permission", p => Text(p["SourceArn"]).Contains("LiveAuthorizer", StringComparison.Ordinal));
        Assert.Contains("FunctionsLiveAuthorizer", Text(permission["FunctionName"]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void HttpApi_HasEveryRoute_EachButTheCarsImageRouteBehindTheCognitoJwtAuthorizer()
    {
        List<JsonObject> routes = Dev.Resources("AWS::ApiGatewayV2::Route").Select(r => r.Properties).ToList();

        Assert.Equal(
            FleetHttpApi.Routes.Select(r => "GET " + r).Append("GET " + FleetHttpApi.ImageRoute).Concat(FleetHttpApi.EventRoutes.Concat(FleetHttpApi.ReportRoutes).Concat(FleetHttpApi.UpdateRoutes).Concat(FleetHttpApi.ConfigRoutes).SelectMany(r => r.Methods.Select(m => m + " " + r.Path))).Order(StringComparer.Ordinal),
            routes.Select(r => (string)r["RouteKey"]!).Order(StringComparer.Ordinal));
        // Every route but the cars' image route, whose URL's token is the authority (the function checks it).
        Assert.Equal("GET " + FleetHttpApi.ImageRoute, (string?)Assert.Single(routes, r => (string?)r["AuthorizationType"] != "JWT")["RouteKey"]);
        Assert.Equal("NONE", (string?)routes.Single(r => (string?)r["RouteKey"] == "GET " + FleetHttpApi.ImageRoute)["AuthorizationType"]);
        JsonObject authorizer = Dev.Single("AWS::ApiGatewayV2::Authorizer");
        Assert.Equal("JWT", (string?)authorizer["AuthorizerType"]);
        Assert.StartsWith("https://cognito-idp.", Text(authorizer["JwtConfiguration"]!["Issuer"]), StringComparison.Ordinal);
        Assert.Equal("2.0", (string?)Dev.Single("AWS::ApiGatewayV2::Integration")["PayloadFormatVersion"]);
    }

    [SynthFact]
    public void UserPool_HasNoSelfSignUp_AndTheOperatorAndRenterGroups()
    {
        Assert.True((bool)Dev.Single("AWS::Cognito::UserPool")["AdminCreateUserConfig"]!["AllowAdminCreateUserOnly"]!);
        List<string> groups = Dev.Resources("AWS::Cognito::UserPoolGroup").Select(g => (string)g.Properties["GroupName"]!).Order().ToList();

        Assert.Equal([UserDirectory.OperatorsGroup, UserDirectory.RentersGroup], groups);
        Assert.Equal(Role.Operator, IdentityClaims.ParseRoles(UserDirectory.OperatorsGroup));
        Assert.Equal(Role.Renter, IdentityClaims.ParseRoles(UserDirectory.RentersGroup));
        Assert.False((bool?)Dev.Single("AWS::Cognito::UserPoolClient")["GenerateSecret"] ?? false);
    }

    [SynthFact]
    public void Web_IsAPrivateBucketBehindCloudFrontWithOac_AndTheApiOnTheSameOrigin()
    {
        JsonObject oac = Dev.Single("AWS::CloudFront::OriginAccessControl");
        Assert.Equal("s3", (string?)oac["OriginAccessControlConfig"]!["OriginAccessControlOriginType"]);
        Assert.Equal("always", (string?)oac["OriginAccessControlConfig"]!["SigningBehavior"]);

        JsonNode config = Dev.Single("AWS::CloudFront::Distribution")["DistributionConfig"]!;
        JsonNode s3Origin = config["Origins"]!.AsArray().Single(o => o!["S3OriginConfig"] is not null)!;
        Assert.Contains("OriginAccessControl", Text(s3Origin["OriginAccessControlId"]), StringComparison.Ordinal);
        Assert.Equal(["/cars*", "/daily*", "/events*", "/groups*", "/limits*", "/me", "/notifications*", "/rentals*", "/rollouts*", "/subscriptions*", "/updates*", "/zones*"], config["CacheBehaviors"]!.AsArray().Select(b => (string)b!["PathPattern"]!).Order(StringComparer.Ordinal));
        Assert.Equal("redirect-to-https", (string?)config["DefaultCacheBehavior"]!["ViewerProtocolPolicy"]);

        JsonObject sitePolicy = Dev.Single("AWS::S3::BucketPolicy", p => List(p["PolicyDocument"]!["Statement"]).Any(s => (string?)s!["Principal"]?["Service"] == "cloudfront.amazonaws.com"));
        JsonNode read = List(sitePolicy["PolicyDocument"]!["Statement"]).Single(s => (string?)s!["Effect"] == "Allow")!;
        Assert.Equal(["s3:GetObject"], Strings(read["Action"]));
        Assert.Contains(":distribution/{Ref:WebCdn", Text(read["Condition"]!["StringEquals"]!["AWS:SourceArn"]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void GlueTables_HaveTheArchiveColumns_AndProjectTheDayPartition_OfFixesTripsAndStops()
    {
        Assert.Equal(3, Dev.Resources("AWS::Glue::Table").Count());
        foreach ((string name, IReadOnlyList<ArchiveColumn> columns) in new[] { ("fixes", ArchiveSchema.Columns), ("trips", TripArchiveSchema.TripColumns), ("stops", TripArchiveSchema.StopColumns) })
        {
            JsonNode input = Dev.Single("AWS::Glue::Table", t => (string?)t["TableInput"]!["Name"] == name)["TableInput"]!;
            Assert.Equal(
                columns.Select(c => c.Name + ":" + c.GlueType),
                input["StorageDescriptor"]!["Columns"]!.AsArray().Select(c => (string)c!["Name"]! + ":" + (string)c["Type"]!));
            Assert.Equal("dt", (string?)input["PartitionKeys"]![0]!["Name"]);
            JsonNode parameters = input["Parameters"]!;
            Assert.Equal("true", (string?)parameters["projection.enabled"]);
            Assert.Equal("date", (string?)parameters["projection.dt.type"]);
            Assert.Equal("yyyy-MM-dd", (string?)parameters["projection.dt.format"]);
            Assert.EndsWith("/" + name + "/dt=${dt}/", Text(parameters["storage.location.template"]), StringComparison.Ordinal);
        }

        Assert.Equal("SSE_KMS", (string?)Dev.Single("AWS::Athena::WorkGroup")["WorkGroupConfiguration"]!["ResultConfiguration"]!["EncryptionConfiguration"]!["EncryptionOption"]);
    }

    [SynthFact]
    public void ArchiveFunction_ReadsOnlyTheTripsAndRentalsTables_AndWritesOnlyItsThreePrefixes()
    {
        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function("archive")).ToList();
        IEnumerable<string> ResourcesOf(string action) => statements.Where(s => Strings(s["Action"]).Contains(action)).SelectMany(s => Strings(s["Resource"])).Order(StringComparer.Ordinal);

        // DynamoDB: Query on the base tables (no index), Scan only of the latest positions; nothing written but the
        // deletion of the fixes table's late-day marks once their days are exported again.
        List<string> queried = ResourcesOf("dynamodb:Query").ToList();
        Assert.Equal(3, queried.Count);
        Assert.All(new[] { "StoresFixes", "StoresRentals", "StoresTrips" }, t => Assert.Single(queried, r => r.Contains(t, StringComparison.Ordinal)));
        Assert.DoesNotContain(ResourcesOf("dynamodb:Query"), r => r.Contains("/index/", StringComparison.Ordinal));
        Assert.Contains("StoresLatest", Assert.Single(ResourcesOf("dynamodb:Scan")), StringComparison.Ordinal);
        Assert.DoesNotContain(statements.SelectMany(s => Strings(s["Action"])), a => a is "dynamodb:PutItem" or "dynamodb:BatchWriteItem" or "dynamodb:UpdateItem");
        Assert.Contains("StoresFixes", Assert.Single(ResourcesOf("dynamodb:DeleteItem")), StringComparison.Ordinal);

        // S3: put and delete under fixes/, trips/ and stops/; get only the trips' and stops' manifests.
        Assert.Equal(["/fixes/*", "/stops/*", "/trips/*"], ResourcesOf("s3:PutObject").Select(Suffix).Order(StringComparer.Ordinal));
        Assert.Equal(ResourcesOf("s3:PutObject"), ResourcesOf("s3:DeleteObject"));
        Assert.Equal(["/stops/dt=*/_manifest.json", "/trips/dt=*/_manifest.json"], ResourcesOf("s3:GetObject").Select(Suffix).Order(StringComparer.Ordinal));
        JsonNode list = statements.Single(s => Strings(s["Action"]).Contains("s3:ListBucket"));
        Assert.Equal(["fixes/*", "stops/*", "trips/*"], Strings(list["Condition"]!["StringLike"]!["s3:prefix"]).Order(StringComparer.Ordinal));

        JsonObject env = Function(Dev.Names.Function("archive"))["Environment"]!["Variables"]!.AsObject();
        Assert.Contains("StoresTrips", Text(env[ArchiveSettings.TripsTableVariable]), StringComparison.Ordinal);
        Assert.Equal(("trips/", "stops/"), ((string?)env[ArchiveSettings.TripsPrefixVariable], (string?)env[ArchiveSettings.StopsPrefixVariable]));

        static string Suffix(string arn) => arn[arn.IndexOf('/', arn.LastIndexOf('}') + 1)..];
    }

    [SynthFact]
    public void Alarms_CoverIngestDlqThrottlesRulesAndDevicesOffline_AndNotifyTheTopic()
    {
        List<JsonObject> alarms = Dev.Resources("AWS::CloudWatch::Alarm").Select(a => a.Properties).ToList();
        string[] expected = ["ingest-errors", "dead-letters", "throttles", "iot-rule-failures", "devices-offline", "archive-failed", "api-5xx", "authorizer-errors",
            "notifications-failed", "notifier-errors", "notifier-behind", "tick-errors", "event-publishes-failed"];

        Assert.Equal(expected.Select(Dev.Names.Alarm).Order(), alarms.Select(a => (string)a["AlarmName"]!).Order());
        Assert.All(alarms, a =>
        {
            Assert.Contains("MonitoringAlarms", Assert.Single(Strings(a["AlarmActions"])), StringComparison.Ordinal);
            Assert.Equal("notBreaching", (string?)a["TreatMissingData"]);
        });

        JsonObject offline = alarms.Single(a => (string?)a["AlarmName"] == Dev.Names.Alarm("devices-offline"));
        JsonNode offlineMetric = offline["Metrics"]![0]!["MetricStat"]!["Metric"]!;
        Assert.Equal(Dev.Names.MetricNamespace, (string?)offlineMetric["Namespace"]);
        Assert.Equal(DeviceFleet.CarsWentOfflineMetric, (string?)offlineMetric["MetricName"]);
        Assert.Equal(Dev.Settings.OfflineAlarmThreshold, (int)offline["Threshold"]!);

        JsonObject rules = alarms.Single(a => (string?)a["AlarmName"] == Dev.Names.Alarm("iot-rule-failures"));
        List<string> iotMetrics = rules["Metrics"]!.AsArray().Where(m => m!["MetricStat"] is not null).Select(m => (string)m!["MetricStat"]!["Metric"]!["MetricName"]!).ToList();
        Assert.Contains("Failure", iotMetrics);
        Assert.Contains("RuleMessageThrottled", iotMetrics);

        Assert.Single(Dev.Resources("AWS::CloudWatch::Dashboard"));
        Assert.Single(Dev.Resources("AWS::SNS::Subscription"));
    }

    [SynthFact]
    public void Names_AllDeriveFromTheStage()
    {
        foreach (SynthFixture.Synthesized stage in new[] { synth.Dev, synth.Prod })
        {
            string prefix = "tracker-" + stage.Settings.Stage;
            Assert.All(stage.Resources("AWS::Lambda::Function"), f => Assert.StartsWith(prefix + "-", (string?)f.Properties["FunctionName"], StringComparison.Ordinal));
            Assert.All(stage.Resources("AWS::DynamoDB::Table"), t => Assert.StartsWith(prefix + "-", (string?)t.Properties["TableName"], StringComparison.Ordinal));
            Assert.All(stage.Resources("AWS::IoT::TopicRule"), r => Assert.StartsWith("tracker_" + stage.Settings.Stage + "_", (string?)r.Properties["RuleName"], StringComparison.Ordinal));
        }
    }

    [SynthFact]
    public void Outputs_GiveWhatTheDeployGuideUses()
    {
        JsonObject outputs = Dev.Json["Outputs"]!.AsObject();

        foreach (string name in new[] { "WebUrl", "WebBucket", "DistributionId", "UserPoolId", "UserPoolClientId", "FixesRuleName", "DevicePolicyName", "JitpRoleArn", "LiveAuthorizerName", "RentalsTableName", "ArchiveBucket", "GlueDatabase", "AthenaWorkgroup" })
        {
            Assert.True(outputs.ContainsKey(name), "missing output " + name);
            Assert.Contains("`" + name + "`", File.ReadAllText(Path.Combine(Repository.Root, "docs", "aws", "deploy.md")), StringComparison.Ordinal);
        }

        Assert.Equal(Dev.Names.FixesRule, (string?)outputs["FixesRuleName"]!["Value"]);
    }

    private JsonObject Function(string name) => Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == name);
}
