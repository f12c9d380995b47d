using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class PowerTowingTests
{
    [Fact]
    public void MainPower_LostBelowSixVolts_RestoredAtNine_WithHysteresis()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Fix(0, 0));
        rig.Deliver(Drive.Status(1, IgnitionState.Off, 12_600));
        rig.Deliver(Drive.Status(100, IgnitionState.Off, 3_900));
        rig.Deliver(Drive.Status(200, IgnitionState.Off, 7_000)); // between: still lost
        rig.Deliver(Drive.Status(300, IgnitionState.Off, 12_500));

        Assert.Equal(
            [(EventType.PowerLost, Drive.Ms(100), 3_900), (EventType.PowerRestored, Drive.Ms(300), 12_500)],
            rig.Events.Select(e => (e.Type, e.EpisodeStartMs, e.VoltageMv!.Value)));
        Assert.True(rig.Events[0].Alert);
    }

    [Fact]
    public void LowBattery_ParkedAndLowForTenMinutes_OncePerEpisode()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.Off, 12_400));
        rig.Deliver(Drive.Status(900, IgnitionState.Off, 11_700));
        rig.Deliver(Drive.Status(1800, IgnitionState.Off, 11_600));
        rig.Deliver(Drive.Status(2700, IgnitionState.Off, 11_500));
        FleetEvent low = Assert.Single(rig.Of(EventType.LowBattery));
        Assert.Equal(Drive.Ms(900), low.EpisodeStartMs);
        Assert.Equal(11_600, low.VoltageMv);

        // Driving charges it; parked and low again is a new episode.
        rig.Deliver(Drive.Status(3000, IgnitionState.On, 14_100));
        rig.Deliver(Drive.Status(6000, IgnitionState.Off, 11_700));
        rig.Deliver(Drive.Status(6900, IgnitionState.Off, 11_700));
        Assert.Equal(2, rig.Of(EventType.LowBattery).Count);
    }

    [Fact]
    public void LowBattery_WhileDriving_IsNoEvent()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.On, 11_500));
        rig.Deliver(Drive.Status(900, IgnitionState.On, 11_500));
        rig.Deliver(Drive.Status(1800, IgnitionState.On, 11_500));
        Assert.Empty(rig.Of(EventType.LowBattery));
    }

    [Fact]
    public void Towing_MovedBeyondThreeHundredMetresWithIgnitionOff_OncePerParking()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.On), Drive.Fix(0, 0, kmh: 30));
        rig.Deliver(Drive.Fix(10, 100, kmh: 0));
        rig.Deliver(Drive.Status(20, IgnitionState.Off));
        rig.DeliverEach(Enumerable.Range(0, 40).Select(s => Drive.Fix(600 + (s * 5), 105 + (s * 20), kmh: 14)));

        FleetEvent tow = Assert.Single(rig.Of(EventType.Towing));
        Assert.Equal(Drive.Ms(600 + (15 * 5)), tow.EpisodeStartMs); // 305 m from where it was parked
        Assert.True(tow.DistanceM > 300);

        rig.Deliver(Drive.Status(1000, IgnitionState.On));
        rig.Deliver(Drive.Status(1100, IgnitionState.Off));
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(1200 + (s * 5), 900 + (s * 20), kmh: 14)));
        Assert.Single(rig.Of(EventType.Towing));
    }

    [Fact]
    public void Towing_WithTheIgnitionUnknown_IsNotJudged()
    {
        var rig = new Rig();
        rig.DeliverEach(Enumerable.Range(0, 40).Select(s => Drive.Fix(s * 5, s * 20, kmh: 14)));
        Assert.Empty(rig.Of(EventType.Towing));
    }
}
