using System.Text.Json.Nodes;
using Tracker.Cloud.Infra.Compute;
using Tracker.Cloud.Lambda.Functions;
using static Tracker.Cloud.Infra.Tests.TemplateJson;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>Issue 15, F5 on AWS in the template: the rentals table's stream feeds live-disconnect, which may close browsers' connections and nothing else.</summary>
[Collection(SynthCollection.Name)]
public sealed class LiveDisconnectTemplateTests(SynthFixture synth)
{
    private SynthFixture.Synthesized Dev => synth.Dev;

    private JsonObject Function(string role) => Dev.Single("AWS::Lambda::Function", f => (string?)f["FunctionName"] == Dev.Names.Function(role));

    [SynthFact]
    public void RentalsTable_StreamsEveryChangeWithBothImages_IntoLiveDisconnect()
    {
        JsonObject rentals = Dev.Single("AWS::DynamoDB::Table", t => (string?)t["TableName"] == Dev.Names.RentalsTable);
        Assert.Equal("NEW_AND_OLD_IMAGES", (string?)rentals["StreamSpecification"]!["StreamViewType"]);

        JsonObject mapping = Dev.Single("AWS::Lambda::EventSourceMapping", m => Text(m["FunctionName"]).Contains("FunctionsLiveDisconnect", StringComparison.Ordinal));
        Assert.Contains("StoresRentals", Text(mapping["EventSourceArn"]), StringComparison.Ordinal);
        Assert.Contains("StreamArn", Text(mapping["EventSourceArn"]), StringComparison.Ordinal);
        Assert.Contains("FunctionsLiveDisconnect", Text(mapping["FunctionName"]), StringComparison.Ordinal);
        Assert.Equal("LATEST", (string?)mapping["StartingPosition"]);
        Assert.Equal(["ReportBatchItemFailures"], Strings(mapping["FunctionResponseTypes"]));
        Assert.Equal(900, (int)mapping["MaximumRecordAgeInSeconds"]!);
        Assert.Equal(10, (int)mapping["MaximumRetryAttempts"]!);
        Assert.Contains("StoresDeadLetters", Text(mapping["DestinationConfig"]!["OnFailure"]!["Destination"]), StringComparison.Ordinal);
    }

    [SynthFact]
    public void LiveDisconnect_MayDeleteOnlyBrowsersConnections_AndReadOnlyTheGrantsAndTheStream()
    {
        List<JsonObject> statements = PolicyStatements.ForFunction(Dev, Dev.Names.Function("live-disconnect")).ToList();

        JsonObject delete = Assert.Single(statements, s => Strings(s["Action"]).Contains("iot:DeleteConnection"));
        Assert.Equal(["iot:DeleteConnection"], Strings(delete["Action"]));
        Assert.Equal("arn:{Ref:AWS::Partition}:iot:{Ref:AWS::Region}:{Ref:AWS::AccountId}:client/web-*", Assert.Single(Strings(delete["Resource"])));
        Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(a => a.StartsWith("iot:", StringComparison.Ordinal) && a != "iot:DeleteConnection"));

        JsonObject query = Assert.Single(statements, s => Strings(s["Action"]).Contains("dynamodb:Query"));
        Assert.Contains("StoresLiveGrants", Assert.Single(Strings(query["Resource"])), StringComparison.Ordinal);
        Assert.DoesNotContain(statements, s => Strings(s["Action"]).Any(a => a is "dynamodb:PutItem" or "dynamodb:DeleteItem" or "dynamodb:UpdateItem"));
        JsonObject stream = Assert.Single(statements, s => Strings(s["Action"]).Contains("dynamodb:GetRecords"));
        Assert.Contains("StreamArn", Assert.Single(Strings(stream["Resource"])), StringComparison.Ordinal);
    }

    [SynthFact]
    public void LiveDisconnect_GetsTheGrantsTableAndTheEndpointParameter_AndTheAuthorizerWritesTheGrants()
    {
        JsonObject variables = Function("live-disconnect")["Environment"]!["Variables"]!.AsObject();
        Assert.Contains("StoresLiveGrants", Text(variables[LiveDisconnectSettings.GrantsTableVariable]), StringComparison.Ordinal);
        Assert.Contains("https://", Text(variables[LiveDisconnectSettings.IotDataEndpointVariable]), StringComparison.Ordinal);
        Assert.Contains(TrackerFunctions.IotDataEndpointParameter, Text(variables[LiveDisconnectSettings.IotDataEndpointVariable]), StringComparison.Ordinal);
        JsonObject parameter = Dev.Json["Parameters"]![TrackerFunctions.IotDataEndpointParameter]!.AsObject();
        Assert.Null(parameter["Default"]); // no silent default: a deploy without it is refused
        Assert.Matches((string)parameter["AllowedPattern"]!, "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com");
        Assert.DoesNotMatch((string)parameter["AllowedPattern"]!, "https://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/");

        Assert.Contains("StoresLiveGrants", Text(Function("live-authorizer")["Environment"]!["Variables"]![LiveDisconnectSettings.GrantsTableVariable]), StringComparison.Ordinal);
        JsonObject put = Assert.Single(PolicyStatements.ForFunction(Dev, Dev.Names.Function("live-authorizer")), s => Strings(s["Action"]).Contains("dynamodb:PutItem"));
        Assert.Contains("StoresLiveGrants", Assert.Single(Strings(put["Resource"])), StringComparison.Ordinal);
    }

    [SynthFact]
    public void LiveGrantsTable_ExpiresGrantsWithTtl()
    {
        JsonObject grants = Dev.Single("AWS::DynamoDB::Table", t => (string?)t["TableName"] == Dev.Names.LiveGrantsTable);

        Assert.Equal("expiresAt", (string?)grants["TimeToLiveSpecification"]!["AttributeName"]);
        Assert.Equal(["subject", "clientId"], grants["KeySchema"]!.AsArray().Select(k => (string)k!["AttributeName"]!));
    }
}
