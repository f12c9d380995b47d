using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Tracker.Cloud.Infra.Iot;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// Issue 18 on AWS: the API function serves update images and rollouts (<c>RolloutsApi</c>) and the cars' image route
/// (<c>ImagesApi</c>). It gets the UpdatesBucket and the HTTP API's origin (the image URLs' host) in its environment, and
/// exactly what <c>ImageBucket</c> and <c>IotRollouts</c> call: S3 get and put under <c>images/</c> and <c>keys/</c> (the
/// image URLs' HMAC key) and a listing of <c>images/</c>; IoT <c>CreateJob</c> on <c>rollout-*</c> jobs and thing groups,
/// <c>DescribeJob</c>, <c>CancelJob</c> and <c>ListJobExecutionsForJob</c> on <c>rollout-*</c> jobs, <c>DescribeThingGroup</c>
/// and <c>ListThingsInThingGroup</c> on thing groups, <c>ListJobExecutionsForThing</c> and <c>DescribeJobExecution</c> on
/// things, and <c>ListJobs</c> (no resource-level permission: <c>*</c>). No role is passed: the jobs carry the API's own URLs.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>The IoT job resource (IAM form) the API function may create and act on.</summary>
    public const string RolloutJobResource = "job/" + IotRollouts.JobPrefix + "*";

    /// <summary>Wires the API function to the updates bucket and IoT Jobs.</summary>
    /// <param name="updates">The bucket.</param>
    /// <param name="settings">The stage's settings (the code-signing key).</param>
    /// <param name="api">The HTTP API whose image route the cars fetch from.</param>
    public void ServeUpdates(DeviceUpdates updates, InfraSettings settings, Api.FleetHttpApi api)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(settings);
        Stack stack = Stack.Of(this);
        string iot = "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":";
        Api.AddEnvironment(UpdatesSettings.BucketVariable, updates.Bucket.BucketName);
        Api.AddEnvironment(UpdatesSettings.ImageOriginVariable, "https://" + api.DomainName);
        if (settings.CodeSigningKey is { } key)
        {
            Api.AddEnvironment(UpdatesSettings.SigningKeyVariable, Convert.ToBase64String(key));
        }

        Allow(Api, [updates.Bucket.ArnForObjects(ImageBucket.Prefix + "*"), updates.Bucket.ArnForObjects(ImageBucket.KeysPrefix + "*")], "s3:GetObject", "s3:PutObject");
        Api.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:ListBucket"],
            Resources = [updates.Bucket.BucketArn],
            Conditions = new Dictionary<string, object> { ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = ImageBucket.Prefix + "*" } },
        }));
        Allow(Api, [iot + RolloutJobResource, iot + "thinggroup/*"], "iot:CreateJob");
        Allow(Api, iot + RolloutJobResource, "iot:DescribeJob", "iot:CancelJob", "iot:ListJobExecutionsForJob");
        Allow(Api, iot + "thinggroup/*", "iot:DescribeThingGroup", "iot:ListThingsInThingGroup");
        Allow(Api, iot + "thing/*", "iot:ListJobExecutionsForThing", "iot:DescribeJobExecution");
        Allow(Api, "*", "iot:ListJobs");
    }
}
