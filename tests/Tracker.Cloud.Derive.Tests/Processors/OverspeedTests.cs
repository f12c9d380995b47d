using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class OverspeedTests
{
    private const int Kmh100 = 27_778;

    private static Rig Limited(int fleetMmps = Kmh100)
    {
        var rig = new Rig();
        rig.Store.Limits = new SpeedLimits { FleetMmps = fleetMmps };
        return rig;
    }

    [Fact]
    public void Episode_AboveTheLimitForAMinute_IsOneEventWithItsMaximumAndDuration()
    {
        Rig rig = Limited();
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(s * 2, s * 50, kmh: 90)));
        rig.DeliverEach(Enumerable.Range(10, 30).Select(s => Drive.Fix(s * 2, s * 60, kmh: s == 25 ? 131 : 120)));
        rig.DeliverEach(Enumerable.Range(40, 10).Select(s => Drive.Fix(s * 2, s * 60, kmh: 80)));

        FleetEvent e = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal(Drive.Ms(20), e.EpisodeStartMs);
        Assert.Equal(Drive.Ms(80), e.EndMs);
        Assert.Equal(60_000, e.DurationMs);
        Assert.Equal((int)Math.Round(131 / 3.6 * 1000), e.SpeedMmps);
        Assert.Equal(Kmh100, e.LimitMmps);
    }

    [Fact]
    public void Episode_ConfirmedFromALateBacklog_StaysLateWhenItEndsOnDataReceivedInTime()
    {
        Rig rig = Limited();

        // Above the limit from 0 s, received 150 s late (a backlog): confirmed at 16 s, late.
        rig.Deliver(Enumerable.Range(0, 10).Select(s => Drive.Fix(s * 2, s * 60, kmh: 120, delayS: 150 - (s * 2))));
        Assert.True(Assert.Single(rig.Of(EventType.Overspeed)).Late);

        // It ends on fixes received a second after they were taken: the revision keeps the mark.
        rig.Deliver(Enumerable.Range(10, 10).Select(s => Drive.Fix(s * 2, s * 60, kmh: 80)));
        FleetEvent ended = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal(Drive.Ms(20), ended.EndMs);
        Assert.True(ended.Late);
    }

    [Fact]
    public void Episode_IsWrittenWhenConfirmed_ThenRevisedUnderTheSameKeyWhenItEnds()
    {
        Rig rig = Limited();
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(s * 2, s * 60, kmh: 120)));
        FleetEvent open = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Null(open.EndMs);

        rig.Deliver(Drive.Fix(20, 700, kmh: 60));
        FleetEvent closed = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal(open.Key, closed.Key);
        Assert.Equal(Drive.Ms(20), closed.EndMs);
        Assert.Single(rig.Store.All);
    }

    [Fact]
    public void ShortSpike_BelowTheMinimumDuration_IsNoEvent()
    {
        Rig rig = Limited();
        rig.DeliverEach(Enumerable.Range(0, 30).Select(s => Drive.Fix(s * 2, s * 60, kmh: s is 10 or 11 or 12 ? 125 : 95)));
        Assert.Empty(rig.Of(EventType.Overspeed));
    }

    [Fact]
    public void SpeedHoveringAroundTheLimit_StaysOneEpisode()
    {
        Rig rig = Limited();
        rig.DeliverEach(Enumerable.Range(0, 60).Select(s => Drive.Fix(s * 2, s * 60, kmh: s % 2 == 0 ? 101 : 99.5)));
        rig.Deliver(Drive.Fix(130, 4000, kmh: 50));
        FleetEvent e = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal(Drive.Ms(0), e.EpisodeStartMs);
    }

    [Fact]
    public void Limits_RentalBeatsCarBeatsFleet()
    {
        var rental = new Rental(Drive.Car, "r", Drive.Ms(100), Drive.Ms(200));
        var rig = new Rig();
        rig.Store.Rentals.Add(rental);
        rig.Store.Limits = new SpeedLimits
        {
            FleetMmps = 50_000,
            ByCar = new Dictionary<string, int> { [Drive.Car] = 33_333 },
            ByRental = new Dictionary<string, int> { [RentalIds.Of(rental)] = 25_000 },
        };

        // 110 km/h (30,556 mm/s): over the rental's 90, under the car's 120.
        rig.DeliverEach(Enumerable.Range(0, 40).Select(s => Drive.Fix(s * 2, s * 60, kmh: 110)));
        Assert.Empty(rig.Of(EventType.Overspeed));
        rig.DeliverEach(Enumerable.Range(0, 20).Select(s => Drive.Fix(100 + (s * 2), 3000 + (s * 60), kmh: 110)));
        Assert.Equal(25_000, Assert.Single(rig.Of(EventType.Overspeed)).LimitMmps);
    }

    [Fact]
    public void GapInTheData_EndsTheEpisodeAtItsLastFixAbove()
    {
        Rig rig = Limited();
        rig.DeliverEach(Enumerable.Range(0, 15).Select(s => Drive.Fix(s * 2, s * 60, kmh: 120)));
        rig.Deliver(Drive.Fix(200, 5000, kmh: 120));
        FleetEvent first = rig.Of(EventType.Overspeed).Single(e => e.EpisodeStartMs == Drive.Ms(0));
        Assert.Equal(Drive.Ms(28), first.EndMs);
    }
}
