using Amazon.CDK;
using Constructs;
using Tracker.Cloud.Infra.Analytics;
using Tracker.Cloud.Infra.Api;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Infra.Iot;
using Tracker.Cloud.Infra.Operations;
using Tracker.Cloud.Infra.Storage;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Infra.Web;

namespace Tracker.Cloud.Infra;

/// <summary>
/// One stage of the fleet in one stack (DESIGN.md, "Where it goes past one machine"). The stack is
/// environment-agnostic (account and region come from the deploying credentials), so it synthesizes
/// offline. Its outputs are what docs/aws/deploy.md needs after a deploy.
/// </summary>
public sealed class TrackerStack : Stack
{
    /// <summary>Defines the stage.</summary>
    /// <param name="scope">The app.</param>
    /// <param name="settings">The stage's settings.</param>
    public TrackerStack(Construct scope, InfraSettings settings)
        : base(scope, (settings ?? throw new ArgumentNullException(nameof(settings))).Names.StackName, new StackProps
        {
            StackName = settings.Names.StackName,
            Description = "iCar tracker, stage " + settings.Stage + ": IoT Core, ingest, storage, archive, API, web, alarms (cloud/Tracker.Cloud.Infra)",
        })
    {
        Settings = settings;
        StageNames names = settings.Names;
        Tags.SetTag("project", "icar-tracker");
        Tags.SetTag("stage", settings.Stage);

        Stores = new DataStores(this, "Stores", settings);
        Users = new UserDirectory(this, "Users", settings);
        Functions = new TrackerFunctions(this, "Functions", settings, Stores, Users.Issuer, Users.WebClient.UserPoolClientId);
        Fleet = new DeviceFleet(this, "Fleet", settings, Stores, Functions);
        Live = new BrowserLiveAccess(this, "Live", names, Functions.LiveAuthorizer);
        Api = new FleetHttpApi(this, "Api", settings, Users, Functions.Api, Stores.Key);
        Web = new WebHosting(this, "Web", settings, Api);
        Users.AllowWebApp(WebHosting.AppUrl(Web.Distribution));
        Catalog = new ArchiveCatalog(this, "Catalog", names, Stores);
        Updates = new DeviceUpdates(this, "Updates");
        Functions.ServeUpdates(Updates, settings, Api);
        Functions.ServeConfig();
        Monitoring = new Monitoring(this, "Monitoring", settings, Stores, Functions, Fleet, Api);

        Output("Stage", settings.Stage, "The stage");
        Output("WebUrl", "https://" + Web.Distribution.DistributionDomainName, "The web app (and the API under /cars and /me)");
        Output("WebBucket", Web.Bucket.BucketName, "Upload cloud/Tracker.Cloud.Web/dist here");
        Output("DistributionId", Web.Distribution.DistributionId, "For cache invalidations after an upload");
        Output("ApiUrl", Api.Api.ApiEndpoint, "The HTTP API's own endpoint");
        Output("UserPoolId", Users.Pool.UserPoolId, "Cognito user pool: create operators and renters here");
        Output("UserPoolClientId", Users.WebClient.UserPoolClientId, "The web app's client id");
        Output("TokenIssuer", Users.Issuer, "The JWT issuer the API and the live authorizer accept");
        Output("FixesRuleName", names.FixesRule, "The cars' mqtt.ingestRule (tracker-provision device create --ingest-rule)");
        Output("DevicePolicyName", names.DevicePolicy, "The IoT policy JITP attaches (tracker-provision ca create --policy-name)");
        Output("JitpRoleArn", Fleet.ProvisioningRole.RoleArn, "The role for the CA's JITP registration config");
        Output("LiveAuthorizerName", names.LiveAuthorizer, "Browsers connect to wss://<IoT data endpoint>/mqtt?x-amz-customauthorizer-name=<this>&<LiveAuthorizerTokenKey>=<ID token>");
        Output("LiveAuthorizerTokenKey", LiveCredentials.TokenParameter, "The live authorizer's token key name (the query parameter of the ID token)");
        Output("HostedUiUrl", Users.HostedUiUrl, "The Cognito hosted UI the web app signs in at (config.json: scripts/config-from-stack.mjs)");
        Output("CarRules", CarRules.Default.ToJson(), "What moving, stopped, offline and filtered mean, as the functions apply them (config.json's carRules: scripts/config-from-stack.mjs)");
        Output("FixesTableName", Stores.Fixes.TableName, "DynamoDB fixes");
        Output("RentalsTableName", Stores.Rentals.TableName, "DynamoDB rentals: put rentals here");
        Output("ArchiveBucket", Stores.Archive.BucketName, "The Parquet archive");
        Output("GlueDatabase", names.GlueDatabase, "Athena database (table " + names.GlueTable + ")");
        Output("AthenaWorkgroup", names.AthenaWorkgroup, "Athena workgroup");
        Output("UpdatesBucket", Updates.Bucket.BucketName, "Signed application images (images/) for over-the-air updates, and the key of their URLs (keys/)");
        Output("DeadLetterQueueUrl", Stores.DeadLetters.QueueUrl, "Failed rule actions and ingest invocations");
        Output("AlarmTopicArn", Monitoring.Topic.TopicArn, "Subscribe to alarms here");
        Output("DashboardName", names.Dashboard, "CloudWatch dashboard");
    }

    /// <summary>The settings the stack was built from.</summary>
    public InfraSettings Settings { get; }

    /// <summary>Tables, archive, key, queue.</summary>
    public DataStores Stores { get; }

    /// <summary>Cognito.</summary>
    public UserDirectory Users { get; }

    /// <summary>The functions.</summary>
    public TrackerFunctions Functions { get; }

    /// <summary>IoT policy, CA, rules.</summary>
    public DeviceFleet Fleet { get; }

    /// <summary>The browsers' custom authorizer.</summary>
    public BrowserLiveAccess Live { get; }

    /// <summary>The HTTP API.</summary>
    public FleetHttpApi Api { get; }

    /// <summary>S3 and CloudFront.</summary>
    public WebHosting Web { get; }

    /// <summary>Glue and Athena.</summary>
    public ArchiveCatalog Catalog { get; }

    /// <summary>The images bucket and the key of their URLs (issue 18).</summary>
    public DeviceUpdates Updates { get; }

    /// <summary>Alarms and dashboard.</summary>
    public Monitoring Monitoring { get; }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
