using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Local.Broker;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The IoT policy evaluation of the broker's custom-authorizer mode, on the live authorizer's own documents.</summary>
public sealed class IotPolicyTests
{
    private const string P = LocalCustomAuthorizer.ResourcePrefix;

    private static IotPolicy Parse(params string[] documents)
    {
        Assert.True(IotPolicy.TryParse(documents, out IotPolicy? policy, out string error), error);
        return policy!;
    }

    [Fact]
    public void FleetDocument_AllowsTheFleetTopics_AndNothingElse()
    {
        IotPolicy policy = Parse([.. LivePolicyDocuments.Fleet(P, "web-abc")]);

        Assert.True(policy.IsAllowed(IotPolicy.Connect, P + ":client/web-abc"));
        Assert.False(policy.IsAllowed(IotPolicy.Connect, P + ":client/web-other"));
        Assert.True(policy.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/fleet/+/fixes"));
        Assert.True(policy.IsAllowed(IotPolicy.Receive, P + ":topic/fleet/car-0001/status"));
        Assert.True(policy.IsAllowed(IotPolicy.Publish, P + ":topic/tracker/car-0001/live"));
        Assert.False(policy.IsAllowed(IotPolicy.Publish, P + ":topic/tracker/car-0001/fixes"));
        Assert.False(policy.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/tracker/#"));
        Assert.False(policy.IsAllowed(IotPolicy.Subscribe, "arn:aws:iot:eu-west-1:111111111111:topicfilter/fleet/x"));
    }

    [Fact]
    public void FleetEvents_AreInTheOperatorsGrant_AndNotInARentersForTheirOwnCar()
    {
        IotPolicy fleet = Parse([.. LivePolicyDocuments.Fleet(P, "web-abc")]);
        Assert.True(LivePolicyDocuments.TryCars(P, "web-r", ["car-0001"], out IReadOnlyList<string> documents));
        IotPolicy renter = Parse([.. documents]);

        Assert.True(fleet.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/fleet/+/events"));
        Assert.True(fleet.IsAllowed(IotPolicy.Receive, P + ":topic/" + LiveTopics.Events("car-0001")));
        Assert.False(renter.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/" + LiveTopics.Events("car-0001")));
        Assert.False(renter.IsAllowed(IotPolicy.Receive, P + ":topic/" + LiveTopics.Events("car-0001")));
        Assert.True(renter.IsAllowed(IotPolicy.Receive, P + ":topic/" + LiveTopics.Status("car-0001")));
    }

    [Fact]
    public void RenterDocuments_AllowOnlyTheirCars()
    {
        Assert.True(LivePolicyDocuments.TryCars(P, "web-r", ["car-0001", "car-0007"], out IReadOnlyList<string> documents));
        IotPolicy policy = Parse([.. documents]);

        Assert.True(policy.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/fleet/car-0007/fixes"));
        Assert.True(policy.IsAllowed(IotPolicy.Receive, P + ":topic/fleet/car-0001/status"));
        Assert.False(policy.IsAllowed(IotPolicy.Subscribe, P + ":topicfilter/fleet/+/fixes"));
        Assert.False(policy.IsAllowed(IotPolicy.Receive, P + ":topic/fleet/car-0002/fixes"));
        Assert.False(policy.IsAllowed(IotPolicy.Publish, P + ":topic/tracker/car-0002/live"));
    }

    [Fact]
    public void Deny_WinsOverAllow_AndActionsIgnoreCase()
    {
        IotPolicy policy = Parse(
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"IOT:*","Resource":"*"},{"Effect":"Deny","Action":["iot:Publish"],"Resource":["arn:*:topic/secret/*"]}]}""");

        Assert.True(policy.IsAllowed(IotPolicy.Publish, P + ":topic/open/x"));
        Assert.False(policy.IsAllowed(IotPolicy.Publish, P + ":topic/secret/x"));
        Assert.True(policy.IsAllowed(IotPolicy.Receive, P + ":topic/secret/x"));

        IotPolicy exactDeny = Parse(
            """{"Statement":[{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:us-east-1:000000000000:topic/a","arn:aws:iot:us-east-1:000000000000:topic/b"]},{"Effect":"Deny","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:000000000000:topic/b"}]}""");
        Assert.True(exactDeny.IsAllowed(IotPolicy.Receive, P + ":topic/a"));
        Assert.False(exactDeny.IsAllowed(IotPolicy.Receive, P + ":topic/b"));
        Assert.False(exactDeny.IsAllowed(IotPolicy.Receive, P + ":topic/c"));
    }

    [Fact]
    public void StatementsItCannotEvaluate_FailClosed()
    {
        IotPolicy conditional = Parse("""{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}}""");
        Assert.False(conditional.IsAllowed(IotPolicy.Connect, P + ":client/web-a"));

        IotPolicy variable = Parse("""{"Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:ClientId}"}]}""");
        Assert.False(variable.IsAllowed(IotPolicy.Connect, P + ":client/web-a"));

        IotPolicy notResource = Parse("""{"Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Deny","Action":"iot:Publish","NotResource":"x"}]}""");
        Assert.False(notResource.IsAllowed(IotPolicy.Publish, P + ":topic/a"));
        Assert.True(notResource.IsAllowed(IotPolicy.Receive, P + ":topic/a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"Statement\":[{\"Action\":\"iot:*\",\"Resource\":\"*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"iot:*\",\"Resource\":\"*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":5,\"Resource\":\"*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\",\"Resource\":[1]}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\"}]}")]
    [InlineData("{\"Statement\":[1]}")]
    public void MalformedDocument_IsRefused_NotThrown(string document)
    {
        Assert.False(IotPolicy.TryParse([document], out IotPolicy? policy, out string error));
        Assert.Null(policy);
        Assert.NotEmpty(error);
    }

    [Property(MaxTest = 500)]
    public bool AnyDocument_NeverThrows(NonNull<string> text)
    {
        if (IotPolicy.TryParse([text.Get], out IotPolicy? policy, out _))
        {
            _ = policy!.IsAllowed(IotPolicy.Connect, P + ":client/web-x");
        }

        return true;
    }

    [Theory]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("fleet/*", "fleet/a/b", true)]
    [InlineData("fleet/*/fixes", "fleet/a/b/fixes", true)]
    [InlineData("fleet/?/fixes", "fleet/ab/fixes", false)]
    [InlineData("fleet/??/fixes", "fleet/ab/fixes", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("Fleet/*", "fleet/a", false)]
    public void Wildcard_MatchesAsIamDoes(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Wildcard.IsMatch(pattern, text, ignoreCase: false));
    }

    [Fact]
    public void Wildcard_ManyStars_StaysLinear()
    {
        string pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "*b";
        string text = new('a', 2000);

        Assert.False(Wildcard.IsMatch(pattern, text, ignoreCase: false));
    }
}
