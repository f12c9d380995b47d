using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Tests.Processors;

public sealed class RentalTests
{
    private static readonly Zone Depot = new() { Id = "depot", Name = "Depot", Center = Drive.At(0, 0), RadiusM = 200, IsReturnZone = true };

    private static Rig WithRental(out Rental rental)
    {
        rental = new Rental(Drive.Car, "renter-1", Drive.Ms(100), Drive.Ms(3700));
        var rig = new Rig();
        rig.Store.Zones.Add(Depot);
        rig.Store.Rentals.Add(rental);
        return rig;
    }

    [Fact]
    public void StartAndEnd_CarryThePositionAndTheDeriveOdometerOfTheLastFixBefore()
    {
        Rig rig = WithRental(out Rental rental);
        rig.Store.OdometerReadings.Add(new(Drive.Car, Drive.Ms(90), 5000, "operator"));
        rig.Deliver(Drive.Fix(90, 10));
        rig.DeliverEach(Enumerable.Range(0, 10).Select(s => Drive.Fix(110 + (s * 60), s * 500, kmh: 30)));
        rig.Deliver(Drive.Fix(3690, 20));
        rig.Deliver(Drive.Fix(3710, 20));

        FleetEvent start = Assert.Single(rig.Of(EventType.RentalStarted));
        FleetEvent end = Assert.Single(rig.Of(EventType.RentalEnded));
        Assert.Equal((rental.FromMs, 5000L, RentalIds.Of(rental)), (start.EpisodeStartMs, start.OdometerM!.Value, start.Subject));

        // The dashboard reading, then the GPS trip: 10 m to the first moving fix, 9 × 500 m.
        Assert.Equal((rental.ToMs, 9_510L), (end.EpisodeStartMs, end.OdometerM!.Value));
        Assert.Equal("renter-1", end.Detail);
    }

    [Fact]
    public void NotReturned_OutsideEveryReturnZoneAfterTheGrace_IsAnAlertAtEndPlusGrace()
    {
        Rig rig = WithRental(out Rental rental);
        rig.Deliver(Drive.Fix(3600, 5000));
        rig.Deliver(Drive.Fix(3700 + 1799, 5000));
        Assert.Empty(rig.Of(EventType.RentalNotReturned));
        rig.Deliver(Drive.Fix(3700 + 1801, 5000));
        FleetEvent e = Assert.Single(rig.Of(EventType.RentalNotReturned));
        Assert.Equal(rental.ToMs + (30 * 60_000), e.EpisodeStartMs);
        Assert.True(e.Alert);
    }

    [Fact]
    public void Returned_InTheDepotByTheEndOfTheGrace_IsNoAlert()
    {
        Rig rig = WithRental(out _);
        rig.Deliver(Drive.Fix(3600, 5000));
        rig.Deliver(Drive.Fix(4000, 50));
        rig.Deliver(Drive.Fix(3700 + 1900, 50));
        Assert.Empty(rig.Of(EventType.RentalNotReturned));
    }

    [Fact]
    public void SilentCar_TheClockDecidesAfterTheWait_OnTheLastPositionKnown()
    {
        Rig rig = WithRental(out Rental rental);
        rig.Deliver(Drive.Fix(3600, 5000));
        rig.Tick(Drive.Ms(3700 + 1800 + 1199));
        Assert.Empty(rig.Of(EventType.RentalNotReturned));
        rig.Tick(Drive.Ms(3700 + 1800 + 1201));
        FleetEvent e = Assert.Single(rig.Of(EventType.RentalNotReturned));
        Assert.Equal(rental.ToMs + (30 * 60_000), e.EpisodeStartMs);
        Assert.Single(rig.Of(EventType.RentalEnded));
    }
}
