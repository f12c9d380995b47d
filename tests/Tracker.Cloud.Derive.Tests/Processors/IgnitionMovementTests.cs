using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class IgnitionMovementTests
{
    [Fact]
    public void Ignition_ChangesAreEvents_TheFirstKnownStateIsNot()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Fix(0, 0));
        rig.Deliver(Drive.Status(1, IgnitionState.Off));
        rig.Deliver(Drive.Status(60, IgnitionState.On));
        rig.Deliver(Drive.Status(61, IgnitionState.Unknown));
        rig.Deliver(Drive.Status(62, IgnitionState.On));
        rig.Deliver(Drive.Status(600, IgnitionState.Off));

        Assert.Equal(
            [(EventType.IgnitionOn, Drive.Ms(60)), (EventType.IgnitionOff, Drive.Ms(600))],
            rig.Events.Select(e => (e.Type, e.EpisodeStartMs)));
        Assert.Equal(Drive.BaseLatE7, rig.Events[0].LatE7);
    }

    [Fact]
    public void Movement_StartsAfterTheDwell_StopsAfterItsLongerDwell_AtTheFirstFixOfEach()
    {
        var rig = new Rig();
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(s * 5, 0, kmh: 0)));
        rig.DeliverEach(Enumerable.Range(10, 30).Select(s => Drive.Fix(s * 5, (s - 9) * 50, kmh: 36)));
        rig.DeliverEach(Enumerable.Range(40, 40).Select(s => Drive.Fix(s * 5, 1550, kmh: 0)));

        Assert.Equal(
            [(EventType.Moving, Drive.Ms(50)), (EventType.Stopped, Drive.Ms(200))],
            rig.Events.Select(e => (e.Type, e.EpisodeStartMs)));
    }

    [Fact]
    public void Movement_ATrafficLightIsNotAStop_AndOneJumpyFixIsNotDriving()
    {
        var rig = new Rig();
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(s * 5, 0, kmh: 0)));
        rig.Deliver(Drive.Fix(50, 5, kmh: 7)); // a jump of a parked receiver
        rig.DeliverEach(Enumerable.Range(11, 5).Select(s => Drive.Fix(s * 5, 0, kmh: 0)));
        Assert.Empty(rig.Events);

        rig.DeliverEach(Enumerable.Range(16, 10).Select(s => Drive.Fix(s * 5, (s - 15) * 50, kmh: 36)));
        rig.DeliverEach(Enumerable.Range(26, 12).Select(s => Drive.Fix(s * 5, 500, kmh: 0))); // a minute at a light
        rig.DeliverEach(Enumerable.Range(38, 10).Select(s => Drive.Fix(s * 5, 500 + ((s - 37) * 50), kmh: 36)));
        Assert.Equal([EventType.Moving], rig.Events.Select(e => e.Type));
    }
}
