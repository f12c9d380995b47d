using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

public class UplinkTopicsTests
{
    [Fact]
    public void PlainTopics_CarryTheCarId()
    {
        UplinkTopics t = UplinkTopics.Create("car-42", null);
        Assert.Equal("tracker/car-42/fixes", t.Fixes);
        Assert.Equal("tracker/car-42/status", t.Status);
        Assert.Equal("tracker/car-42/live", t.Live);
        Assert.Null(t.IngestRule);
    }

    [Fact]
    public void BasicIngest_PrefixesOnlyTheFixesTopic()
    {
        UplinkTopics t = UplinkTopics.Create("AB:12_x-9", "tracker_ingest");
        Assert.Equal("$aws/rules/tracker_ingest/tracker/AB:12_x-9/fixes", t.Fixes);
        Assert.Equal("tracker/AB:12_x-9/status", t.Status);
        Assert.Equal("tracker/AB:12_x-9/live", t.Live);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("car 42")]
    [InlineData("car/42")]
    [InlineData("car+")]
    [InlineData("car#")]
    [InlineData("voiture-é")]
    [InlineData("$aws")]
    public void BadCarIds_AreRejectedWithAClearMessage(string? car)
    {
        Assert.False(UplinkTopics.TryCreate(car, null, out UplinkTopics? topics, out string error));
        Assert.Null(topics);
        Assert.Contains("thing name", error, StringComparison.Ordinal);
        Assert.Contains("a-z A-Z 0-9 : _ -", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => UplinkTopics.Create(car!, null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("rule-name")]
    [InlineData("rule name")]
    [InlineData("rule/x")]
    public void BadRuleNames_AreRejected(string rule)
    {
        Assert.False(UplinkTopics.TryCreate("car-1", rule, out _, out string error));
        Assert.Contains("rule name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_AreCheckedAgainstTheModemsTopicLimit()
    {
        Assert.True(UplinkTopics.IsValidThingName(new string('a', 128)));
        Assert.False(UplinkTopics.IsValidThingName(new string('a', 129)));
        Assert.True(UplinkTopics.TryCreate(new string('a', 128 - "tracker//status".Length), null, out _, out _));
        Assert.False(UplinkTopics.TryCreate(new string('a', 128 - "tracker//status".Length + 1), null, out _, out string error));
        Assert.Contains("128", error, StringComparison.Ordinal);
        Assert.False(UplinkTopics.TryCreate("car-1", new string('r', 100), out _, out _));
    }
}
