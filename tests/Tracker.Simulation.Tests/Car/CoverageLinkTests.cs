using Tracker.Core.Uplink;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Car;

public class CoverageLinkTests
{
    private static readonly MqttConnectOptions Connect = new("CAR-1", 300, "tracker/CAR-1/status", StatusCodec.EncodeWill(), true);

    [Fact]
    public void OutOfCoverage_OperationsFailAsWithoutABearer()
    {
        var (link, inner, source, _) = Rig();
        source.Covered = false;
        Assert.Equal(LinkResult.NetworkDown, link.Connect(Connect));
        Assert.Equal(0, inner.Connects);
        Assert.Equal(LinkResult.NotConnected, link.Publish("t", [1], 0, 1, 1, out int id));
        Assert.Equal(0, id);
        Assert.Equal(LinkResult.NotConnected, link.Subscribe("t"));
        Assert.False(link.IsConnected);
        Assert.Equal(3, link.Refusals);
    }

    [Fact]
    public void LosingCoverage_DropsTheConnection_AndKeepsPubacksThatHadArrived()
    {
        var (link, inner, source, _) = Rig();
        Assert.Equal(LinkResult.Ok, link.Connect(Connect));
        Assert.Equal(LinkResult.Ok, link.Publish("t", [1], 0, 1, 1, out int first));
        Assert.Equal(LinkResult.Ok, link.Publish("t", [2], 0, 1, 1, out int second));
        Assert.True(link.IsConnected);

        source.Covered = false;
        Assert.False(link.IsConnected);
        Assert.Equal(1, inner.Disconnects);
        Assert.Equal(1, link.Drops);
        Assert.True(link.TryTakeCompletion(out int a, out bool da) && da);
        Assert.True(link.TryTakeCompletion(out int b, out bool db) && db);
        Assert.Equal((first, second), (a, b));
        Assert.False(link.TryTakeCompletion(out _, out _));
    }

    [Fact]
    public void Disconnect_DropsKeptOutcomes_AsTheContractSays()
    {
        var (link, _, source, _) = Rig();
        link.Connect(Connect);
        link.Publish("t", [1], 0, 1, 1, out _);
        source.Covered = false;
        link.Update();
        link.Disconnect();
        Assert.False(link.TryTakeCompletion(out _, out _));
    }

    [Fact]
    public void CoverageBack_ConnectsAgain()
    {
        var (link, inner, source, clock) = Rig();
        source.Covered = false;
        Assert.Equal(LinkResult.NetworkDown, link.Connect(Connect));
        source.Covered = true;
        clock.Set(clock.UtcNowMs + 1000);
        Assert.Equal(LinkResult.Ok, link.Connect(Connect));
        Assert.True(link.IsConnected);
        Assert.Equal(1, inner.Connects);
    }

    private static (CoverageLink Link, AckingLink Inner, Switch Source, SimulationClock Clock) Rig()
    {
        var inner = new AckingLink();
        var source = new Switch();
        var clock = new SimulationClock();
        clock.Set(1_767_268_800_000);
        return (new CoverageLink(inner, source, clock), inner, source, clock);
    }

    private sealed class Switch : IGnssSource
    {
        public bool Covered { get; set; } = true;

        public int Read(long utcNowMs, byte[] buffer, int offset, int count) => 0;

        public bool InCoverage(long utcNowMs) => Covered;
    }
}
