using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class GeofenceTests
{
    // A circle of 200 m around (1000 m east, 0): the boundary on the x axis is at 800 m and 1200 m.
    private static readonly Zone Depot = new() { Id = "depot", Name = "Depot", Center = Drive.At(1000, 0), RadiusM = 200 };

    private static Rig WithZone(Zone zone)
    {
        var rig = new Rig();
        rig.Store.Zones.Add(zone);
        return rig;
    }

    [Fact]
    public void Circle_DrivenThrough_EntersAndExitsAtTheFirstFixOnTheOtherSide()
    {
        Rig rig = WithZone(Depot);
        rig.DeliverEach(Enumerable.Range(0, 120).Select(s => Drive.Fix(s, (s * 20) + 5, kmh: 72)));

        FleetEvent enter = Assert.Single(rig.Of(EventType.GeofenceEnter));
        FleetEvent exit = Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.Equal(Drive.Ms(40), enter.EpisodeStartMs); // 805 m: the first fix inside
        Assert.Equal(Drive.Ms(60), exit.EpisodeStartMs); // 1205 m: the first fix outside
        Assert.Equal("depot", exit.Subject);
        Assert.Equal("Depot", exit.Detail);
        Assert.False(exit.Alert);
        Assert.False(exit.Late);
        Assert.False(exit.Pending);
    }

    [Fact]
    public void Circle_JitterAcrossTheBoundaryForAnHour_NeverFlaps()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000)); // parked inside
        var random = new Random(16);

        // Parked at the boundary (800 m), GNSS noise of +-9 m, one fix every 5 s for an hour.
        rig.DeliverEach(Enumerable.Range(1, 720).Select(i => Drive.Fix(i * 5, 800 + ((random.NextDouble() * 18) - 9))));

        Assert.DoesNotContain(rig.Events, e => e.Type is EventType.GeofenceEnter or EventType.GeofenceExit);
    }

    [Fact]
    public void Circle_SlowlyOutBeyondTheBandForTheDwell_ExitsWithoutReachingTheMargin()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000));
        rig.Deliver(Drive.Fix(10, 785)); // 15 m out: beyond the 10 m band, short of the 30 m margin
        Assert.Empty(rig.Of(EventType.GeofenceExit));
        rig.Deliver(Drive.Fix(35, 784));
        Assert.Equal(Drive.Ms(10), Assert.Single(rig.Of(EventType.GeofenceExit)).EpisodeStartMs);
    }

    [Fact]
    public void Circle_WaitingOnTheLineInJitterThenDrivingOut_ExitsWhenItLastCrossed()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000));

        // Waiting 2 m inside the boundary (802 m) for a minute, the receiver's error putting fixes either side.
        double[] jitter = [803, 797, 801, 796, 799, 804, 798, 802, 795, 800, 797, 803];
        rig.DeliverEach(jitter.Select((x, i) => Drive.Fix(10 + (i * 5), x)));
        Assert.Empty(rig.Of(EventType.GeofenceExit));

        // Then it drives out: 798 m at 70 s (just over the line), 770 m at 72 s (beyond the margin).
        rig.Deliver(Drive.Fix(70, 798, kmh: 10));
        rig.Deliver(Drive.Fix(72, 770, kmh: 40));
        Assert.Equal(Drive.Ms(70), Assert.Single(rig.Of(EventType.GeofenceExit)).EpisodeStartMs);
    }

    [Fact]
    public void Circle_StandingJustOverTheLineInSlowJitterThenDrivingOut_ExitsWhenItDroveOn()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000));

        // Standing still 1 m inside, the receiver's slowly wandering error putting it 2 to 4 m outside for a minute.
        rig.DeliverEach(Enumerable.Range(0, 12).Select(i => Drive.Fix(10 + (i * 5), 796 + (i % 3))));
        Assert.Empty(rig.Of(EventType.GeofenceExit));

        rig.Deliver(Drive.Fix(70, 797, kmh: 8));
        rig.Deliver(Drive.Fix(72, 770, kmh: 40));
        Assert.Equal(Drive.Ms(70), Assert.Single(rig.Of(EventType.GeofenceExit)).EpisodeStartMs);
    }

    [Fact]
    public void Circle_BackInsideBeyondTheBand_CancelsTheCrossing()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000));
        rig.Deliver(Drive.Fix(10, 785));
        rig.Deliver(Drive.Fix(20, 850)); // 50 m back in
        rig.Deliver(Drive.Fix(40, 785));
        Assert.Empty(rig.Of(EventType.GeofenceExit));
        rig.Deliver(Drive.Fix(70, 785));
        Assert.Equal(Drive.Ms(40), Assert.Single(rig.Of(EventType.GeofenceExit)).EpisodeStartMs);
    }

    [Fact]
    public void Polygon_DrivenThrough_EntersAndExits()
    {
        Zone square = new()
        {
            Id = "yard",
            Name = "Yard",
            Vertices = [Drive.At(500, -300), Drive.At(900, -300), Drive.At(900, 300), Drive.At(500, 300)],
        };
        Rig rig = WithZone(square);
        rig.DeliverEach(Enumerable.Range(0, 80).Select(s => Drive.Fix(s, (s * 20) + 5, kmh: 72)));

        Assert.Equal(Drive.Ms(25), Assert.Single(rig.Of(EventType.GeofenceEnter)).EpisodeStartMs); // 505 m
        Assert.Equal(Drive.Ms(45), Assert.Single(rig.Of(EventType.GeofenceExit)).EpisodeStartMs); // 905 m
    }

    [Fact]
    public void RentalZone_LeftDuringTheRental_IsAnAlert_AndDoesNotApplyAfterIt()
    {
        var rental = new Rental(Drive.Car, "renter-1", Drive.Ms(0), Drive.Ms(100));
        Zone area = new() { Id = "area", Name = "City", Scope = ZoneScope.Rental, RentalId = RentalIds.Of(rental), Center = Drive.At(0, 0), RadiusM = 500 };
        var rig = new Rig();
        rig.Store.Zones.Add(area);
        rig.Store.Rentals.Add(rental);

        rig.DeliverEach(Enumerable.Range(0, 60).Select(s => Drive.Fix(s, (s * 20) + 5, kmh: 72)));
        FleetEvent exit = Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.True(exit.Alert);
        Assert.Equal(Drive.Ms(25), exit.EpisodeStartMs); // 505 m, confirmed at 545 m

        // After the rental the zone no longer applies: driving back in and out says nothing.
        rig.DeliverEach(Enumerable.Range(0, 60).Select(s => Drive.Fix(200 + s, 1200 - (s * 20), kmh: 72)));
        Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.Empty(rig.Of(EventType.GeofenceEnter));
    }

    [Fact]
    public void FirstFixInsideAZone_SetsTheSideWithoutAnEvent()
    {
        Rig rig = WithZone(Depot);
        rig.Deliver(Drive.Fix(0, 1000), Drive.Fix(1, 1010));
        Assert.Empty(rig.Events);
    }
}
