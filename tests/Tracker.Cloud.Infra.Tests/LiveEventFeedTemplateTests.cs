using System.Text.Json.Nodes;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Issue 16's live event feed in the template: ingest and tick get the IoT data endpoint and may publish to fleet/*/events and nowhere else.</summary>
[Collection(SynthCollection.Name)]
public sealed class LiveEventFeedTemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    [SynthFact]
    public void IngestAndTick_GetTheIotDataEndpoint_AndPublishOnlyToTheEventsTopics()
    {
        foreach (string role in new[] { FunctionCatalog.Ingest, FunctionCatalog.Tick })
        {
            AssertFeed(role);
        }
    }

    private void AssertFeed(string role)
    {
        JsonObject function = Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(role));
        JsonObject variables = function["Environment"]!["Variables"]!.AsObject();
        Assert.Contains("https://", Text(variables[LiveDisconnectSettings.IotDataEndpointVariable]), StringComparison.Ordinal);
        Assert.Contains(TrackerFunctions.IotDataEndpointParameter, Text(variables[LiveDisconnectSettings.IotDataEndpointVariable]), StringComparison.Ordinal);
        Assert.Equal(Dev.Names.MetricNamespace, Text(variables[NotifySettings.MetricNamespaceVariable]));

        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function(role)).ToList();
        JsonObject publish = Assert.Single(statements, s => Strings(s["Action"]).Any(a => a.StartsWith("iot:", StringComparison.Ordinal)));
        Assert.Equal(["iot:Publish"], Strings(publish["Action"]));
        Assert.Equal("arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:topic/fleet/*/events", Assert.Single(Strings(publish["Resource"])));
    }

    [SynthFact]
    public void NoOtherFunction_MayPublish()
    {
        foreach (string role in new[] { FunctionCatalog.Api, FunctionCatalog.Archive, FunctionCatalog.LiveAuthorizer, FunctionCatalog.LiveDisconnect, FunctionCatalog.Notify })
        {
            Assert.DoesNotContain(PolicyStatements.ForFunction(Dev, Dev.Names.Function(role)), s => Strings(s["Action"]).Contains("iot:Publish"));
        }
    }
}
