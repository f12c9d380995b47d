using System.Text.Json.Nodes;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Lambda.Functions;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Issue 18 on AWS in the template: the API function names the UpdatesBucket and the pre-signing role, and its role holds
/// exactly the IoT actions <c>IotRollouts</c> calls, each on its resource type, S3 get, put and list under <c>images/</c>
/// only, and <c>iam:PassRole</c> of the pre-signing role to IoT only. No other function touches IoT Jobs.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class UpdatesTemplateTests(SynthFixture synth)
{
    private const string Iot = "arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:";

    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void TheApiFunction_NamesTheUpdatesBucketAndThePresignRole()
    {
        JsonObject variables = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(FunctionCatalog.Api))["Environment"]!["Variables"]!.AsObject();
        Assert.StartsWith("{Ref:UpdatesImages", Text(variables[UpdatesSettings.BucketVariable]), StringComparison.Ordinal);
        Assert.StartsWith("{UpdatesPresign", Text(variables[UpdatesSettings.PresignRoleVariable]), StringComparison.Ordinal);
        Assert.EndsWith(".Arn}", Text(variables[UpdatesSettings.PresignRoleVariable]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void TheApiRole_HoldsExactlyTheIotJobActions_OnTheirResources()
    {
        List<JsonObject> iot = Statements().Where(s => Strings(s["Action"]).Any(a => a.StartsWith("iot:", StringComparison.Ordinal) && !TrackerFunctions.ConfigIotActions.Contains(a))).ToList();
        var byAction = iot.SelectMany(s => Strings(s["Action"]).Select(a => (Action: a, Resources: Strings(s["Resource"]).Order(StringComparer.Ordinal).ToArray())))
            .ToDictionary(p => p.Action, p => p.Resources, StringComparer.Ordinal);

        Assert.Equal(
            ["iot:CancelJob", "iot:CreateJob", "iot:DescribeJob", "iot:DescribeJobExecution", "iot:DescribeThingGroup", "iot:ListJobExecutionsForJob", "iot:ListJobExecutionsForThing", "iot:ListJobs", "iot:ListThingsInThingGroup"],
            byAction.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([Iot + "job/rollout-*", Iot + "thinggroup/*"], byAction["iot:CreateJob"]);
        foreach (string action in new[] { "iot:DescribeJob", "iot:CancelJob", "iot:ListJobExecutionsForJob" })
        {
            Assert.Equal([Iot + "job/rollout-*"], byAction[action]);
        }

        Assert.Equal([Iot + "thinggroup/*"], byAction["iot:DescribeThingGroup"]);
        Assert.Equal([Iot + "thinggroup/*"], byAction["iot:ListThingsInThingGroup"]);
        Assert.Equal([Iot + "thing/*"], byAction["iot:ListJobExecutionsForThing"]);
        Assert.Equal([Iot + "thing/*"], byAction["iot:DescribeJobExecution"]);
        Assert.Equal(["*"], byAction["iot:ListJobs"]); // ListJobs has no resource-level permission
        Assert.DoesNotContain(byAction.Keys, a => a is "iot:DeleteJob" or "iot:UpdateJob" or "iot:*");
    }

    [SynthFact]
    public void TheApiRole_PassesOnlyThePresignRole_ToIotOnly_AndReadsAndWritesOnlyImages()
    {
        JsonObject pass = Assert.Single(Statements(), s => Strings(s["Action"]).Contains("iam:PassRole"));
        Assert.StartsWith("{UpdatesPresign", Assert.Single(Strings(pass["Resource"])), StringComparison.Ordinal);
        Assert.Equal("iot.amazonaws.com", (string?)pass["Condition"]!["StringEquals"]!["iam:PassedToService"]);

        JsonObject objects = Assert.Single(Statements(), s => Strings(s["Action"]).Contains("s3:PutObject"));
        Assert.Equal(["s3:GetObject", "s3:PutObject"], Strings(objects["Action"]).Order(StringComparer.Ordinal));
        string resource = Assert.Single(Strings(objects["Resource"]));
        Assert.StartsWith("{UpdatesImages", resource, StringComparison.Ordinal);
        Assert.EndsWith("/images/*", resource, StringComparison.Ordinal);
        JsonObject list = Assert.Single(Statements(), s => Strings(s["Action"]).Contains("s3:ListBucket"));
        Assert.Equal("images/*", (string?)list["Condition"]!["StringLike"]!["s3:prefix"]);
        Assert.DoesNotContain(Statements(), s => Strings(s["Action"]).Any(a => a is "s3:DeleteObject" or "s3:*"));
    }

    [SynthFact]
    public void NoOtherFunction_TouchesIotJobsOrTheImages()
    {
        foreach (string role in FunctionCatalog.Names.Where(n => n != FunctionCatalog.Api))
        {
            List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function(role)).ToList();
            Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(a => a.Contains("Job", StringComparison.Ordinal) || a == "iam:PassRole"));
            Assert.DoesNotContain(statements, s => Strings(s["Resource"]).Any(r => r.Contains("UpdatesImages", StringComparison.Ordinal)));
        }
    }

    private List<JsonObject> Statements() => PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Api)).ToList();
}
