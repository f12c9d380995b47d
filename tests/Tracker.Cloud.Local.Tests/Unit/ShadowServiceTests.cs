using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Shadow;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The local device shadow against IoT Core's documented behaviour: versions, merge, null deletes, delta, rejections.</summary>
public sealed class ShadowServiceTests
{
    private const string Car = "car-0001";
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private readonly ManualTime _time = new(Start);

    private ShadowService Service() => new(_time);

    private static IReadOnlyList<ShadowMessage> Update(ShadowService s, string json) => s.Update(Car, Encoding.UTF8.GetBytes(json));

    private static JsonObject Body(ShadowMessage m) => JsonNode.Parse(m.Payload)!.AsObject();

    private static ShadowMessage Only(IReadOnlyList<ShadowMessage> messages, string leaf) =>
        Assert.Single(messages, m => m.Topic == "$aws/things/" + Car + "/shadow/" + leaf);

    [Fact]
    public void AnUpdate_IsAccepted_WithVersionAndMetadata_AndItsDeltaFollows()
    {
        ShadowService s = Service();

        IReadOnlyList<ShadowMessage> out1 = Update(s, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":600}}},\"clientToken\":\"op-1\"}");

        Assert.Equal(["update/accepted", "update/documents", "update/delta"], out1.Select(m => m.Topic[("$aws/things/" + Car + "/shadow/").Length..]));
        JsonObject accepted = Body(out1[0]);
        Assert.Equal(1, (int)accepted["version"]!);
        Assert.Equal("op-1", (string)accepted["clientToken"]!);
        Assert.Equal(1_800_000_000, (long)accepted["metadata"]!["desired"]!["cfg"]!["upP"]!["timestamp"]!);
        JsonObject delta = Body(out1[2]);
        Assert.Equal(600, (int)delta["state"]!["cfg"]!["upP"]!);
        Assert.Equal(1_800_000_000, (long)delta["metadata"]!["cfg"]!["upP"]!["timestamp"]!);
        Assert.Equal(1, (int)delta["version"]!);
    }

    [Fact]
    public void TheDelta_IsWhatDesiredHoldsAndReportedDoesNot_AndEndsWhenTheyAgree()
    {
        ShadowService s = Service();
        Update(s, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":600,\"rat\":\"nbiot\"}}}}");

        IReadOnlyList<ShadowMessage> partly = Update(s, "{\"state\":{\"reported\":{\"cfg\":{\"upP\":600},\"cfgVer\":1}}}");
        JsonObject delta = Body(Only(partly, "update/delta"));
        Assert.Equal("{\"cfg\":{\"rat\":\"nbiot\"}}", delta["state"]!.ToJsonString());
        Assert.Equal(2, (int)delta["version"]!);

        IReadOnlyList<ShadowMessage> all = Update(s, "{\"state\":{\"reported\":{\"cfg\":{\"rat\":\"nbiot\"}}}}");
        Assert.DoesNotContain(all, m => m.Topic.EndsWith("/delta", StringComparison.Ordinal));
        JsonObject whole = s.Read(Car)!;
        Assert.Null(whole["state"]!["delta"]);
        Assert.Equal("{\"upP\":600,\"rat\":\"nbiot\"}", whole["state"]!["reported"]!["cfg"]!.ToJsonString());
        Assert.Equal(3, (int)whole["version"]!);
    }

    [Fact]
    public void Null_DeletesAProperty_AndAWholeSection()
    {
        ShadowService s = Service();
        Update(s, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":600,\"rat\":\"nbiot\"}},\"reported\":{\"a\":1}}}");

        Update(s, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":null}}}}");
        Assert.Equal("{\"rat\":\"nbiot\"}", s.Read(Car)!["state"]!["desired"]!["cfg"]!.ToJsonString());
        Assert.Null(s.Read(Car)!["metadata"]!["desired"]!["cfg"]!["upP"]);

        Update(s, "{\"state\":{\"desired\":null}}");
        Assert.Null(s.Read(Car)!["state"]!["desired"]);
        Assert.NotNull(s.Read(Car)!["state"]!["reported"]);
    }

    [Fact]
    public void AStaleVersion_IsRejectedWith409_AndTheDocumentIsUnchanged()
    {
        ShadowService s = Service();
        Update(s, "{\"state\":{\"desired\":{\"x\":1}}}");

        JsonObject rejected = Body(Only(Update(s, "{\"state\":{\"desired\":{\"x\":2}},\"version\":7,\"clientToken\":\"t\"}"), "update/rejected"));
        Assert.Equal(409, (int)rejected["code"]!);
        Assert.Equal("t", (string)rejected["clientToken"]!);
        Assert.Equal(1, (int)s.Read(Car)!["state"]!["desired"]!["x"]!);

        Assert.Single(Update(s, "{\"state\":{\"desired\":{\"x\":2}},\"version\":1}"), m => m.Topic.EndsWith("/update/accepted", StringComparison.Ordinal));
        Assert.Equal(2, (int)s.Read(Car)!["version"]!);
    }

    [Theory]
    [InlineData("", 400)]
    [InlineData("not json", 400)]
    [InlineData("[1]", 400)]
    [InlineData("{}", 400)]
    [InlineData("{\"state\":5}", 400)]
    [InlineData("{\"state\":{\"wanted\":{}}}", 400)]
    [InlineData("{\"state\":{\"desired\":[1]}}", 400)]
    [InlineData("{\"state\":{\"desired\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}}", 400)]
    [InlineData("{\"state\":{\"desired\":{}},\"version\":\"1\"}", 400)]
    [InlineData("{\"state\":{\"desired\":{}},\"clientToken\":5}", 400)]
    public void BadRequests_AreRejected_WithIoTCoresCodes(string json, int code)
    {
        ShadowService s = Service();

        JsonObject rejected = Body(Only(Update(s, json), "update/rejected"));

        Assert.Equal(code, (int)rejected["code"]!);
        Assert.False(string.IsNullOrEmpty((string?)rejected["message"]));
        Assert.Null(s.Read(Car));
    }

    [Fact]
    public void AStateDocumentOver8KB_IsRejectedWith413()
    {
        ShadowService s = Service();

        JsonObject rejected = Body(Only(Update(s, "{\"state\":{\"desired\":{\"big\":\"" + new string('x', 8200) + "\"}}}"), "update/rejected"));

        Assert.Equal(413, (int)rejected["code"]!);
    }

    [Fact]
    public void Get_AnswersTheWholeDocument_Or404()
    {
        ShadowService s = Service();
        JsonObject missing = Body(Only(s.Get(Car, "{\"clientToken\":\"g\"}"u8), "get/rejected"));
        Assert.Equal(404, (int)missing["code"]!);
        Assert.Equal("g", (string)missing["clientToken"]!);

        Update(s, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":600}},\"reported\":{\"cfg\":{\"upP\":300}}}}");
        JsonObject whole = Body(Only(s.Get(Car, default), "get/accepted"));
        Assert.Equal(600, (int)whole["state"]!["delta"]!["cfg"]!["upP"]!);
        Assert.NotNull(whole["metadata"]!["reported"]!["cfg"]!["upP"]!["timestamp"]);
    }

    [Fact]
    public void Delete_RemovesTheShadow_AndANewOneStartsAtVersionOne()
    {
        ShadowService s = Service();
        Update(s, "{\"state\":{\"desired\":{\"x\":1}}}");

        Assert.Equal(1, (int)Body(Only(s.Delete(Car, default), "delete/accepted"))["version"]!);
        Assert.Null(s.Read(Car));
        Assert.Equal(404, (int)Body(Only(s.Delete(Car, default), "delete/rejected"))["code"]!);
        Assert.Equal(1, (int)Body(Only(Update(s, "{\"state\":{\"desired\":{\"x\":1}}}"), "update/accepted"))["version"]!);
    }

    [Theory]
    [InlineData("$aws/things/car-0001/shadow/update", true, "update")]
    [InlineData("$aws/things/car-0001/shadow/get", true, "get")]
    [InlineData("$aws/things/car-0001/shadow/delete", true, "delete")]
    [InlineData("$aws/things/car-0001/shadow/update/delta", false, "")]
    [InlineData("$aws/things/car-0001/shadow/name/cfg/update", false, "")]
    [InlineData("$aws/things//shadow/update", false, "")]
    [InlineData("tracker/car-0001/status", false, "")]
    public void RequestTopics_AreParsed(string topic, bool ok, string operation)
    {
        Assert.Equal(ok, ShadowService.TryParseRequestTopic(topic, out string thing, out string op));
        Assert.Equal(operation, op);
        Assert.Equal(ok ? "car-0001" : string.Empty, thing);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
