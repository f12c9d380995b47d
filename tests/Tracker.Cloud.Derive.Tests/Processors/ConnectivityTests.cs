using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class ConnectivityTests
{
    [Fact]
    public void IgnitionOn_OfflineAfterFiveMinutesOfSilence_AtTheTimeLastHeard_ThenOnline()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.On), Drive.Fix(0, 0, kmh: 30));
        rig.Tick(Drive.Ms(1 + 299));
        Assert.Empty(rig.Of(EventType.Offline));
        rig.Tick(Drive.Ms(1 + 301));
        FleetEvent offline = Assert.Single(rig.Of(EventType.Offline));
        Assert.Equal(Drive.Ms(1), offline.EpisodeStartMs);
        Assert.True(offline.Alert);
        rig.Tick(Drive.Ms(2000));
        Assert.Single(rig.Of(EventType.Offline));

        rig.Deliver(Drive.Fix(2100, 100, kmh: 30));
        Assert.Equal(Drive.Ms(2101), Assert.Single(rig.Of(EventType.Online)).EpisodeStartMs);
    }

    [Fact]
    public void IgnitionOff_ParkedHeartbeatsEveryFifteenMinutes_NeverOffline()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.Off));
        for (int i = 1; i <= 16; i++)
        {
            rig.Tick(Drive.Ms((i * 900) - 30));
            rig.Deliver(Drive.Fix(i * 900, 0, kmh: 0));
        }

        Assert.Empty(rig.Of(EventType.Offline));
        rig.Tick(Drive.Ms((16 * 900) + 1 + 1801));
        Assert.False(Assert.Single(rig.Of(EventType.Offline)).Alert);
    }

    [Fact]
    public void LastWill_IsNotHearingFromTheCar()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Status(0, IgnitionState.Off));
        rig.Deliver(Drive.Status(1700, IgnitionState.Unknown, online: false));
        rig.Tick(Drive.Ms(1802));
        Assert.Equal(Drive.Ms(1), Assert.Single(rig.Of(EventType.Offline)).EpisodeStartMs);
    }
}
