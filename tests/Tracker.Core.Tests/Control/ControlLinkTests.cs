using System.Text;
using System.Text.Json;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Tests.Uplink;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// Remote configuration on the car's one connection: the shadow's subscriptions and the reported state on every
/// connect, deltas taken out of the engine's messages and answered, the reports' outcomes out of its completions,
/// and a report that was not delivered sent again.
/// </summary>
public class ControlLinkTests
{
    private const string Car = "car-42";
    private static readonly ShadowTopics Topics = new(Car);

    private static (ControlLink Control, FakeLink Link) Fresh()
    {
        RemoteConfig remote = RemoteConfig.Open(new FaultyFlash(), RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        var link = new FakeLink();
        return (new ControlLink(link, remote, Car), link);
    }

    private static JsonElement Reported(BrokerMessage m) => JsonDocument.Parse(m.Payload).RootElement.GetProperty("state").GetProperty("reported");

    [Fact]
    public void OnEveryConnect_ItSubscribesToDeltaAndRejected_AndReports()
    {
        (ControlLink control, FakeLink link) = Fresh();

        for (int session = 1; session <= 2; session++)
        {
            Assert.Equal(LinkResult.Ok, control.Connect(new MqttConnectOptions(Car, 60, null, null, true)));
            Assert.Equal([Topics.Delta, Topics.UpdateRejected], link.Subscriptions);
            Assert.Equal(session, link.Published.Count(m => m.Topic == Topics.Update));
            link.LoseConnection();
        }
    }

    [Fact]
    public void ADelta_IsAppliedAndAnswered_AndTheEngineSeesOnlyItsOwnMessagesAndCompletions()
    {
        (ControlLink control, FakeLink link) = Fresh();
        control.Connect(new MqttConnectOptions(Car, 60, null, null, true));
        link.Deliver(Topics.Delta, RemoteConfigTests.Delta(5, "{\"uplink.normalPeriodS\":600}"));
        link.Deliver("cars/car-42/live", Encoding.ASCII.GetBytes("60"));

        Assert.True(control.TryTakeMessage(out string topic, out _));
        Assert.Equal("cars/car-42/live", topic);
        Assert.False(control.TryTakeMessage(out _, out _));
        Assert.Equal(1, control.Applied);
        Assert.True(control.TakeConfigChange());
        Assert.False(control.TakeConfigChange());
        Assert.Equal(600_000, control.Remote.Result.Config!.Uplink.NormalPeriodMs);

        // Connect's report is in flight: the answer waits for it, then goes out with the new version.
        Assert.False(control.TryTakeCompletion(out _, out _));
        BrokerMessage last = link.Published.Last(m => m.Topic == Topics.Update);
        Assert.Equal(5, Reported(last).GetProperty("cfgVer").GetInt32());
        Assert.Equal(600, Reported(last).GetProperty("cfg").GetProperty("upP").GetInt32());

        link.Publish("cars/car-42/fixes", [1], 0, 1, 1, out int engineId);
        Assert.True(control.TryTakeCompletion(out int id, out bool delivered));
        Assert.Equal(engineId, id);
        Assert.True(delivered);
        Assert.Equal(2, control.ReportsDelivered);
    }

    [Fact]
    public void ARefusedDelta_KeepsTheOldConfig_AndReportsTheLoadersReason()
    {
        (ControlLink control, FakeLink link) = Fresh();
        control.Connect(new MqttConnectOptions(Car, 60, null, null, true));
        control.TryTakeCompletion(out _, out _);
        link.Deliver(Topics.Delta, RemoteConfigTests.Delta(6, "{\"uplink.livePeriodS\":900}"));

        Assert.False(control.TryTakeMessage(out _, out _));
        Assert.Equal(1, control.Refused);
        Assert.False(control.TakeConfigChange());
        Assert.Equal(300_000, control.Remote.Result.Config!.Uplink.NormalPeriodMs);
        JsonElement error = Reported(link.Published.Last(m => m.Topic == Topics.Update)).GetProperty("cfgErr");
        Assert.Equal("Inconsistent", error.GetProperty("code").GetString());
        Assert.Equal(6, error.GetProperty("ver").GetInt32());
    }

    [Fact]
    public void AReportNotDelivered_IsSentAgain_AndAStaleDeltaIsNotAnswered()
    {
        (ControlLink control, FakeLink link) = Fresh();
        link.LostBeforeBroker = 1;
        link.ReportGiveUp = 1;
        control.Connect(new MqttConnectOptions(Car, 60, null, null, true));
        link.Heal();
        Assert.False(control.TryTakeCompletion(out _, out _));
        Assert.Equal(2, link.Published.Count(m => m.Topic == Topics.Update));
        Assert.False(control.TryTakeCompletion(out _, out _));
        Assert.Equal(1, control.ReportsDelivered);

        link.Deliver(Topics.Delta, RemoteConfigTests.Delta(7, "{\"uplink.normalPeriodS\":600}"));
        link.Deliver(Topics.Delta, RemoteConfigTests.Delta(7, "{\"uplink.normalPeriodS\":600}"));
        Assert.False(control.TryTakeMessage(out _, out _));
        Assert.Equal(1, control.Applied);
        Assert.Equal(1, control.Ignored);
    }

    [Fact]
    public void GarbageOnTheShadowTopics_IsRefusedOrCounted_NeverThrows()
    {
        (ControlLink control, FakeLink link) = Fresh();
        control.Connect(new MqttConnectOptions(Car, 60, null, null, true));
        var random = new Random(18);
        for (int i = 0; i < 500; i++)
        {
            byte[] junk = new byte[random.Next(0, 1500)];
            random.NextBytes(junk);
            link.Deliver(i % 2 == 0 ? Topics.Delta : Topics.UpdateRejected, junk);
            Assert.False(control.TryTakeMessage(out _, out _));
            control.TryTakeCompletion(out _, out _);
        }

        // Garbage with the same problem as the refusal standing is refused again without an answer: one report per answer.
        Assert.Equal(250, control.Refused + control.Repeated);
        Assert.Equal(1 + control.Refused, link.Published.Count(m => m.Topic == Topics.Update));
        Assert.Equal(250, control.ReportsRejected);
        Assert.True(control.Remote.Result.IsOk);
        Assert.Equal(300_000, control.Remote.Result.Config!.Uplink.NormalPeriodMs);
    }
}
