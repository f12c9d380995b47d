using System.Text.Json.Nodes;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Lambda.Functions;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Issue 18 on AWS in the template: the API function names the UpdatesBucket and the HTTP API's own origin (the cars' image
/// URLs), and its role holds exactly the IoT actions <c>IotRollouts</c> calls, each on its resource type, S3 get and put
/// under <c>images/</c> and <c>keys/</c> only and a listing of <c>images/</c>, and passes no role. No other function touches
/// IoT Jobs or the images.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class UpdatesTemplateTests(SynthFixture synth)
{
    private const string Iot = "arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:";

    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void TheApiFunction_NamesTheUpdatesBucketAndTheHttpApisOwnOrigin()
    {
        JsonObject variables = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(FunctionCatalog.Api))["Environment"]!["Variables"]!.AsObject();
        Assert.StartsWith("{Ref:UpdatesImages", Text(variables[UpdatesSettings.BucketVariable]), StringComparison.Ordinal);
        string origin = Text(variables[UpdatesSettings.ImageOriginVariable]);
        Assert.StartsWith("https://{Ref:Api", origin, StringComparison.Ordinal);
        Assert.Contains(".execute-api.{Ref:AWS::Region}.", origin, StringComparison.Ordinal);
        Assert.Null(variables["TRACKER_UPDATES_PRESIGN_ROLE_ARN"]);
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
    public void TheApiRole_PassesNoRole_AndReadsAndWritesOnlyImagesAndTheUrlKey()
    {
        Assert.DoesNotContain(Statements(), s => Strings(s["Action"]).Any(a => a.StartsWith("iam:", StringComparison.Ordinal)));

        JsonObject objects = Assert.Single(Statements(), s => Strings(s["Action"]).Contains("s3:PutObject"));
        Assert.Equal(["s3:GetObject", "s3:PutObject"], Strings(objects["Action"]).Order(StringComparer.Ordinal));
        IReadOnlyList<string> resources = Strings(objects["Resource"]);
        Assert.Equal(2, resources.Count);
        Assert.All(resources, r => Assert.StartsWith("{UpdatesImages", r, StringComparison.Ordinal));
        Assert.Equal(["/images/*", "/keys/*"], resources.Select(r => r[r.LastIndexOf('/', r.Length - 3)..]).Order(StringComparer.Ordinal));
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
