using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Tracker.Cloud.Infra.Iot;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// Issue 18 on AWS: the API function serves update images and rollouts (<c>RolloutsApi</c>). It gets the UpdatesBucket and
/// the pre-signing role in its environment, and exactly what <c>ImageBucket</c> and <c>IotRollouts</c> call: S3 get and put
/// under <c>images/</c> and a listing of that prefix; IoT <c>CreateJob</c> on <c>rollout-*</c> jobs and thing groups,
/// <c>DescribeJob</c>, <c>CancelJob</c> and <c>ListJobExecutionsForJob</c> on <c>rollout-*</c> jobs, <c>DescribeThingGroup</c>
/// and <c>ListThingsInThingGroup</c> on thing groups, <c>ListJobExecutionsForThing</c> and <c>DescribeJobExecution</c> on
/// things, <c>ListJobs</c> (no resource-level permission: <c>*</c>), and <c>iam:PassRole</c> of the pre-signing role to IoT only.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>The IoT job resource (IAM form) the API function may create and act on.</summary>
    public const string RolloutJobResource = "job/" + IotRollouts.JobPrefix + "*";

    /// <summary>Wires the API function to the updates bucket and IoT Jobs.</summary>
    /// <param name="updates">The bucket and the pre-signing role.</param>
    /// <param name="settings">The stage's settings (the code-signing key).</param>
    public void ServeUpdates(DeviceUpdates updates, InfraSettings settings)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(settings);
        Stack stack = Stack.Of(this);
        string iot = "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":";
        Api.AddEnvironment(UpdatesSettings.BucketVariable, updates.Bucket.BucketName);
        Api.AddEnvironment(UpdatesSettings.PresignRoleVariable, updates.PresignRole.RoleArn);
        if (settings.CodeSigningKey is { } key)
        {
            Api.AddEnvironment(UpdatesSettings.SigningKeyVariable, Convert.ToBase64String(key));
        }

        Allow(Api, updates.Bucket.ArnForObjects(ImageBucket.Prefix + "*"), "s3:GetObject", "s3:PutObject");
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
        Api.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["iam:PassRole"],
            Resources = [updates.PresignRole.RoleArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "iot.amazonaws.com" } },
        }));
    }
}
