using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.Lambda;
using Constructs;
using Tracker.Cloud.Core.Access;
using CfnPolicy = Amazon.CDK.AWS.IoT.CfnPolicy;
using CfnPolicyProps = Amazon.CDK.AWS.IoT.CfnPolicyProps;
using Role = Amazon.CDK.AWS.IAM.Role;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Infra.Storage;
using Tracker.Provisioning.Cloud;

namespace Tracker.Cloud.Infra.Iot;

/// <summary>
/// The cars' side of IoT Core (DESIGN.md, "Route"): the thing-name-scoped policy JITP attaches to every
/// car (fixes only through this stage's Basic Ingest rule), the fleet CA with its JITP template (when its certificates are given), and the topic rules:
/// <list type="bullet">
/// <item><c>tracker_{stage}_fixes</c>, the Basic Ingest rule of the fix batches (cars publish to
/// <c>$aws/rules/tracker_{stage}_fixes/tracker/{car}/fixes</c>, with no messaging charge): it invokes the
/// ingest function and republishes each batch for browsers on <c>fleet/{car}/fixes</c>;</item>
/// <item><c>tracker_{stage}_status</c>: the status messages and the <c>offline</c> will, republished verbatim on <c>fleet/{car}/status</c>;</item>
/// <item><c>tracker_{stage}_presence</c>: IoT Core's disconnect lifecycle events for cars (not browsers)
/// that did not disconnect cleanly, counted into the metric <see cref="CarsWentOfflineMetric"/>.</item>
/// </list>
/// Every rule's error action sends the failed message to the dead-letter queue.
/// </summary>
public sealed class DeviceFleet : Construct
{
    /// <summary>The metric the presence rule publishes: one per car connection lost without a clean DISCONNECT (its last will fired).</summary>
    public const string CarsWentOfflineMetric = "CarsWentOffline";

    /// <summary>
    /// The fixes rule's SQL: the same statement the ingest function's event was built for (Lambda
    /// README, "Ingest: the topic rule"). A Lambda action cannot take a binary payload, so it is base64
    /// in JSON (AWS IoT developer guide, "Working with binary payloads"). For Basic Ingest messages,
    /// <c>topic()</c> leaves out the <c>$aws/rules/{rule}</c> prefix, so <c>topic(2)</c> is the car.
    /// </summary>
    public const string FixesSql = "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt FROM 'tracker/+/fixes'";

    /// <summary>The status rule's SQL: the binary status (or the text <c>offline</c>) as it is.</summary>
    public const string StatusSql = "SELECT * FROM 'tracker/+/status'";

    /// <summary>
    /// The status Derive rule's SQL (issue 16): the status message base64 in JSON for the ingest function, in the fixes
    /// rule's shape, so the function stores it and runs it through Derive (ignition, power, low battery). A second rule
    /// on the topic: the republish rule keeps its verbatim payload, and a rule has one SELECT.
    /// </summary>
    public const string StatusDeriveSql = "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt FROM 'tracker/+/status'";

    /// <summary>
    /// The presence rule's SQL, over IoT Core's lifecycle events (AWS IoT developer guide, "Lifecycle
    /// events"): cars only (browsers connect as <c>web-*</c>), and only connections that did not end
    /// with the client's own DISCONNECT, which is when the car's <c>offline</c> will is published.
    /// </summary>
    public static readonly string PresenceSql =
        "SELECT clientId, disconnectReason FROM '$aws/events/presence/disconnected/+' WHERE NOT startswith(clientId, '"
        + LiveTopics.WebClientIdPrefix + "') AND disconnectReason <> 'CLIENT_INITIATED_DISCONNECT'";

    /// <summary>The SQL version the rules are written for.</summary>
    public const string SqlVersion = "2016-03-23";

    /// <summary>Creates the IoT resources.</summary>
    /// <param name="scope">The stack.</param>
    /// <param name="id">The construct id.</param>
    /// <param name="settings">The stage's settings.</param>
    /// <param name="stores">The dead-letter queue and its key.</param>
    /// <param name="functions">The ingest function.</param>
    public DeviceFleet(Construct scope, string id, InfraSettings settings, DataStores stores, TrackerFunctions functions)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(functions);
        StageNames names = settings.Names;
        Stack stack = Stack.Of(this);
        string iotArn = "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":";

        // The provisioning tool's policy, bound to this account and region instead of its "*:*", with fixes
        // allowed only through this stage's Basic Ingest rule (not another stage's, not the plain topic).
        string policyJson = IotPolicyDocument.Build(names.FixesRule).Replace("arn:aws:iot:*:*:", iotArn, StringComparison.Ordinal);
        DevicePolicy = new CfnPolicy(this, "DevicePolicy", new CfnPolicyProps
        {
            PolicyName = names.DevicePolicy,
            PolicyDocument = JsonForCdk.Convert(JsonNode.Parse(policyJson)),
        });

        // JITP creates the thing, activates the certificate and attaches the policy with this role
        // (AWS IoT developer guide, "Just-in-time provisioning": the AWSIoTThingsRegistration managed policy).
        ProvisioningRole = new Role(this, "JitpRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Just-in-time provisioning of " + names.Prefix + " cars",
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("service-role/AWSIoTThingsRegistration")],
        });

        if (settings.FleetCaPem is not null)
        {
            var ca = new CfnCACertificate(this, "FleetCa", new CfnCACertificateProps
            {
                CaCertificatePem = settings.FleetCaPem,
                VerificationCertificatePem = settings.FleetCaVerificationPem,
                CertificateMode = "DEFAULT",
                Status = "ACTIVE",
                AutoRegistrationStatus = "ENABLE",
                RegistrationConfig = new CfnCACertificate.RegistrationConfigProperty
                {
                    TemplateBody = JitpTemplate.Build(names.DevicePolicy),
                    RoleArn = ProvisioningRole.RoleArn,
                },
            });
            ca.ApplyRemovalPolicy(settings.IsProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        }

        var republish = new Role(this, "RepublishRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the " + names.Prefix + " rules republish to fleet/* for browsers",
        });
        republish.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["iot:Publish"],
            Resources = [iotArn + "topic/" + LiveTopics.FleetPrefix + "*"],
        }));

        var deadLetter = new Role(this, "DeadLetterRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the " + names.Prefix + " rules' error actions write to the dead-letter queue",
        });
        deadLetter.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["sqs:SendMessage"], Resources = [stores.DeadLetters.QueueArn] }));
        deadLetter.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["kms:GenerateDataKey", "kms:Decrypt"], Resources = [stores.Key.KeyArn] }));

        var metrics = new Role(this, "MetricRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the " + names.Prefix + " presence rule put its metric",
        });

        // PutMetricData has no resource-level permissions (Service Authorization Reference, CloudWatch):
        // the namespace condition is what scopes it.
        metrics.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["cloudwatch:PutMetricData"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = names.MetricNamespace } },
        }));

        var errorAction = new CfnTopicRule.ActionProperty
        {
            Sqs = new CfnTopicRule.SqsActionProperty { QueueUrl = stores.DeadLetters.QueueUrl, RoleArn = deadLetter.RoleArn, UseBase64 = false },
        };

        FixesRule = new CfnTopicRule(this, "FixesRule", new CfnTopicRuleProps
        {
            RuleName = names.FixesRule,
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Basic Ingest of the cars' fix batches: ingest function, and a republish for browsers",
                Sql = FixesSql,
                AwsIotSqlVersion = SqlVersion,
                RuleDisabled = false,
                Actions = new object[]
                {
                    new CfnTopicRule.ActionProperty { Lambda = new CfnTopicRule.LambdaActionProperty { FunctionArn = functions.Ingest.FunctionArn } },
                    new CfnTopicRule.ActionProperty
                    {
                        Republish = new CfnTopicRule.RepublishActionProperty { Topic = LiveTopics.Fixes("${topic(2)}"), Qos = 0, RoleArn = republish.RoleArn },
                    },
                },
                ErrorAction = errorAction,
            },
        });
        functions.Ingest.AddPermission("FromFixesRule", new Permission
        {
            Principal = new ServicePrincipal("iot.amazonaws.com"),
            Action = "lambda:InvokeFunction",
            SourceArn = FixesRule.AttrArn,
            SourceAccount = stack.Account,
        });

        StatusRule = new CfnTopicRule(this, "StatusRule", new CfnTopicRuleProps
        {
            RuleName = names.StatusRule,
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Republishes the cars' status messages and offline wills for browsers",
                Sql = StatusSql,
                AwsIotSqlVersion = SqlVersion,
                RuleDisabled = false,
                Actions = new object[]
                {
                    new CfnTopicRule.ActionProperty
                    {
                        Republish = new CfnTopicRule.RepublishActionProperty { Topic = LiveTopics.Status("${topic(2)}"), Qos = 0, RoleArn = republish.RoleArn },
                    },
                },
                ErrorAction = errorAction,
            },
        });

        StatusDeriveRule = new CfnTopicRule(this, "StatusDeriveRule", new CfnTopicRuleProps
        {
            RuleName = names.StatusDeriveRule,
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Hands the cars' status messages to the ingest function: stored, then derived (ignition, power, low battery)",
                Sql = StatusDeriveSql,
                AwsIotSqlVersion = SqlVersion,
                RuleDisabled = false,
                Actions = new object[] { new CfnTopicRule.ActionProperty { Lambda = new CfnTopicRule.LambdaActionProperty { FunctionArn = functions.Ingest.FunctionArn } } },
                ErrorAction = errorAction,
            },
        });
        functions.Ingest.AddPermission("FromStatusDeriveRule", new Permission
        {
            Principal = new ServicePrincipal("iot.amazonaws.com"),
            Action = "lambda:InvokeFunction",
            SourceArn = StatusDeriveRule.AttrArn,
            SourceAccount = stack.Account,
        });

        PresenceRule = new CfnTopicRule(this, "PresenceRule", new CfnTopicRuleProps
        {
            RuleName = names.PresenceRule,
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Counts cars whose connection was lost (their offline will fired) into " + names.MetricNamespace + "/" + CarsWentOfflineMetric,
                Sql = PresenceSql,
                AwsIotSqlVersion = SqlVersion,
                RuleDisabled = false,
                Actions = new object[]
                {
                    new CfnTopicRule.ActionProperty
                    {
                        CloudwatchMetric = new CfnTopicRule.CloudwatchMetricActionProperty
                        {
                            MetricNamespace = names.MetricNamespace,
                            MetricName = CarsWentOfflineMetric,
                            MetricValue = "1",
                            MetricUnit = "Count",
                            RoleArn = metrics.RoleArn,
                        },
                    },
                },
                ErrorAction = errorAction,
            },
        });
    }

    /// <summary>The cars' policy.</summary>
    public CfnPolicy DevicePolicy { get; }

    /// <summary>The JITP role.</summary>
    public Role ProvisioningRole { get; }

    /// <summary>The Basic Ingest rule of the fix batches.</summary>
    public CfnTopicRule FixesRule { get; }

    /// <summary>The status republish rule.</summary>
    public CfnTopicRule StatusRule { get; }

    /// <summary>The rule that hands status messages to the ingest function for the Derive stage.</summary>
    public CfnTopicRule StatusDeriveRule { get; }

    /// <summary>The presence (cars going offline) rule.</summary>
    public CfnTopicRule PresenceRule { get; }
}
