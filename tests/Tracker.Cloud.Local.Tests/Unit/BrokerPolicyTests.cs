using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;

namespace Tracker.Cloud.Local.Tests.Unit;

public sealed class BrokerPolicyTests
{
    private const long Now = 1_800_000_000_000;
    private const long Hour = 3_600_000;

    private static readonly Viewer Operator = new(new Identity("ops", Role.Operator), Now + Hour, [], Now);

    private static readonly Viewer Renter = new(
        new Identity("renter1", Role.Renter),
        Now + Hour,
        [new Rental("car-0001", "renter1", Now - Hour, Now + Hour), new Rental("car-0003", "renter1", Now + (24 * Hour), Now + (48 * Hour))],
        Now);

    [Theory]
    [InlineData("tracker/car-0001/fixes", true)]
    [InlineData("tracker/car-0001/status", true)]
    [InlineData("tracker/car-0002/fixes", false)]
    [InlineData("tracker/car-0001/live", false)]
    [InlineData("tracker/car-0001/fixes/extra", false)]
    [InlineData("fleet/car-0001/fixes", false)]
    [InlineData("$aws/rules/ingest/tracker/car-0001/fixes", false)]
    [InlineData("", false)]
    [InlineData("$aws/things/car-0001/shadow/update", true)]
    [InlineData("$aws/things/car-0001/shadow/get", true)]
    [InlineData("$aws/things/car-0002/shadow/update", false)]
    [InlineData("$aws/things/car-0001/shadow/update/delta", false)]
    public void Device_MayPublishOnlyItsOwnFixesAndStatus(string topic, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayDevicePublish("car-0001", topic));

    [Theory]
    [InlineData("tracker/car-0001/live", true)]
    [InlineData("tracker/car-0002/live", false)]
    [InlineData("tracker/+/live", false)]
    [InlineData("#", false)]
    [InlineData("$aws/things/car-0001/shadow/update/delta", true)]
    [InlineData("$aws/things/car-0001/shadow/update/rejected", true)]
    [InlineData("$aws/things/car-0001/shadow/get/accepted", true)]
    [InlineData("$aws/things/car-0001/shadow/#", false)]
    [InlineData("$aws/things/car-0002/shadow/update/delta", false)]
    [InlineData("$aws/things/+/shadow/update/delta", false)]
    public void Device_MaySubscribeOnlyToItsOwnLiveTopic(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayDeviceSubscribe("car-0001", filter));

    [Theory]
    [InlineData("fleet/#", true)]
    [InlineData("fleet/+/fixes", true)]
    [InlineData("fleet/+/status", true)]
    [InlineData("fleet/car-0042/fixes", true)]
    [InlineData("#", false)]
    [InlineData("tracker/+/fixes", false)]
    [InlineData("fleet/#/fixes", false)]
    [InlineData("fleet/ca+r/fixes", false)]
    [InlineData("fleet", false)]
    public void Operator_MaySubscribeToAnythingUnderFleet_Only(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayViewerSubscribe(Operator, filter, Now));

    [Theory]
    [InlineData("fleet/car-0001/fixes", true)]
    [InlineData("fleet/car-0001/status", true)]
    [InlineData("fleet/car-0002/fixes", false)]
    [InlineData("fleet/+/fixes", false)]
    [InlineData("fleet/#", false)]
    [InlineData("fleet/car-0003/fixes", false)]
    [InlineData("fleet/car-0001/other", false)]
    public void Renter_MaySubscribeOnlyToTheCarOfARunningRental(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayViewerSubscribe(Renter, filter, Now));

    [Fact]
    public void Renter_StopsReceiving_WhenTheRentalEnds()
    {
        Assert.True(BrokerPolicy.MayViewerReceive(Renter, "fleet/car-0001/fixes", Now + Hour - 1));
        Assert.False(BrokerPolicy.MayViewerReceive(Renter, "fleet/car-0001/fixes", Now + Hour - 1 + 1));
    }

    [Fact]
    public void FleetEvents_GoToOperators_AndNeverToARenter_EvenOfTheirOwnCar()
    {
        Assert.True(BrokerPolicy.MayViewerSubscribe(Operator, "fleet/+/events", Now));
        Assert.True(BrokerPolicy.MayViewerReceive(Operator, "fleet/car-0001/events", Now));
        Assert.False(BrokerPolicy.MayViewerSubscribe(Renter, "fleet/car-0001/events", Now));
        Assert.False(BrokerPolicy.MayViewerReceive(Renter, "fleet/car-0001/events", Now));
        Assert.True(BrokerPolicy.MayViewerReceive(Renter, "fleet/car-0001/status", Now));
    }

    [Fact]
    public void Viewer_ReceivesNothing_AfterTheTokenExpires()
    {
        Assert.False(BrokerPolicy.MayViewerReceive(Operator, "fleet/car-0001/fixes", Now + Hour));
        Assert.False(BrokerPolicy.MayViewerSubscribe(Operator, "fleet/#", Now + Hour));
    }

    [Theory]
    [InlineData("tracker/car-0001/live", "120", true)]
    [InlineData("tracker/car-0001/live", " 60\r\n", true)]
    [InlineData("tracker/car-0002/live", "120", false)]
    [InlineData("tracker/car-0001/live", "forever", false)]
    [InlineData("tracker/car-0001/live", "", false)]
    [InlineData("tracker/car-0001/fixes", "120", false)]
    [InlineData("fleet/car-0001/fixes", "120", false)]
    public void Renter_MayOnlyAskTheirOwnCarToWatch(string topic, string payload, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayViewerPublish(Renter, topic, System.Text.Encoding.ASCII.GetBytes(payload), Now));

    [Fact]
    public void Operator_MayAskAnyCarToWatch_ButOnlyWithAWellFormedRequest()
    {
        Assert.True(BrokerPolicy.MayViewerPublish(Operator, "tracker/car-0999/live", "30"u8.ToArray(), Now));
        Assert.False(BrokerPolicy.MayViewerPublish(Operator, "tracker/car-0999/live", [0xFF, 0x00], Now));
    }

    [Property(MaxTest = 500)]
    public void AnyTopicOrFilter_NeverThrows_AndARenterNeverGetsAWildcard(NonNull<string> text)
    {
        string topic = text.Get;
        bool subscribe = BrokerPolicy.MayViewerSubscribe(Renter, topic, Now);
        BrokerPolicy.MayViewerReceive(Renter, topic, Now);
        BrokerPolicy.MayDevicePublish("car-0001", topic);
        BrokerPolicy.MayViewerPublish(Operator, topic, [], Now);
        Assert.False(subscribe && (topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal)));
    }

    [Property(MaxTest = 300)]
    public void GeneratedTopics_OnlyTheCarsOwn_AreAllowedToIt(PositiveInt a, PositiveInt b, bool status)
    {
        string own = "car-" + (a.Get % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        string other = "car-" + (b.Get % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        string topic = "tracker/" + other + (status ? "/status" : "/fixes");
        Assert.Equal(own == other, BrokerPolicy.MayDevicePublish(own, topic));
    }
}
