using System.Text.Json.Nodes;
using Tracker.Cloud.Infra.Api;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Lambda.Functions;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Issue 18's remote config on AWS in the template: the API function gets the IoT data endpoint (which turns its config
/// routes on), its role holds exactly the shadow and thing-group actions <c>ThingGroups</c> and <c>IotShadows</c> call,
/// each on the resource types IoT authorizes it by (things, thing groups; <c>*</c> only for ListThingGroups), and the
/// HTTP API routes the config paths. No other function may write a shadow or a group.
/// </summary>
[Collection(SynthCollection.Name)]
public sealed class ConfigTemplateTests(SynthFixture synth)
{
    private const string Iot = "arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:";

    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void TheApiFunction_GetsTheIotDataEndpointParameter()
    {
        JsonObject variables = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(FunctionCatalog.Api))["Environment"]!["Variables"]!.AsObject();
        string endpoint = Text(variables[LiveDisconnectSettings.IotDataEndpointVariable]);
        Assert.Contains("https://", endpoint, StringComparison.Ordinal);
        Assert.Contains(TrackerFunctions.IotDataEndpointParameter, endpoint, StringComparison.Ordinal);
    }

    [SynthFact]
    public void TheApiRole_HoldsExactlyTheConfigActions_OnThingsAndThingGroups()
    {
        var byAction = PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Api))
            .SelectMany(s => Strings(s["Action"]).Where(TrackerFunctions.ConfigIotActions.Contains).Select(a => (Action: a, Resources: Strings(s["Resource"]).Order(StringComparer.Ordinal).ToArray())))
            .ToDictionary(p => p.Action, p => p.Resources, StringComparer.Ordinal);

        Assert.Equal(TrackerFunctions.ConfigIotActions.Order(StringComparer.Ordinal), byAction.Keys.Order(StringComparer.Ordinal));
        foreach (string action in new[] { "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DescribeThing" })
        {
            Assert.Equal([Iot + "thing/*"], byAction[action]);
        }

        Assert.Equal([Iot + "thinggroup/*"], byAction["iot:CreateThingGroup"]);
        Assert.Equal([Iot + "thinggroup/*"], byAction["iot:UpdateThingGroup"]);
        Assert.Equal([Iot + "thing/*", Iot + "thinggroup/*"], byAction["iot:AddThingToThingGroup"]);
        Assert.Equal([Iot + "thing/*", Iot + "thinggroup/*"], byAction["iot:RemoveThingFromThingGroup"]);
        Assert.Equal(["*"], byAction["iot:ListThingGroups"]); // ListThingGroups has no resource-level permission
        Assert.DoesNotContain(PolicyStatements.ForFunction(Dev, Dev.Names.Function(FunctionCatalog.Api)), s => Strings(s["Action"]).Any(a => a is "iot:DeleteThingGroup" or "iot:DeleteThingShadow" or "iot:UpdateThing" or "iot:*"));
    }

    [SynthFact]
    public void NoOtherFunction_WritesAShadowOrAGroup()
    {
        foreach (string role in FunctionCatalog.Names.Where(n => n != FunctionCatalog.Api))
        {
            Assert.DoesNotContain(PolicyStatements.ForFunction(Dev, Dev.Names.Function(role)), s => Strings(s["Action"]).Any(TrackerFunctions.ConfigIotActions.Contains));
        }
    }

    [SynthFact]
    public void TheHttpApi_RoutesTheConfigPaths_AndCloudFrontSendsThemOn()
    {
        HashSet<string> keys = Dev.Resources("AWS::ApiGatewayV2::Route").Select(r => (string)r.Properties["RouteKey"]!).ToHashSet(StringComparer.Ordinal);
        foreach (string key in new[] { "GET /cars/{carId}/config", "PUT /cars/{carId}/config", "GET /groups", "PUT /groups/{group}", "GET /groups/{group}/config", "PUT /groups/{group}/config" })
        {
            Assert.Contains(key, keys);
        }

        Assert.Contains("/groups", FleetHttpApi.EventPathPrefixes); // /cars* goes to the API already
    }
}
