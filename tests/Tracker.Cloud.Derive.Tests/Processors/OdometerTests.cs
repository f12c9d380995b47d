using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Tests.Support;

namespace Tracker.Cloud.Derive.Tests.Processors;

/// <summary>
/// The car's odometer lives in Derive (issue 17), not in ingest: late data revises it, and with it the odometer a rental
/// recorded at its end; an operator's dashboard reading anchors it, and what arrives late before the reading does not
/// move it after the reading.
/// </summary>
public sealed class OdometerTests
{
    private const double Reading = 5_000_000;

    /// <summary>Fixes a second along a heading (degrees from north) at <paramref name="kmh"/>, from a point.</summary>
    private static IEnumerable<Observation> Heading(double from, double seconds, double eastM, double northM, double kmh, double degrees)
    {
        double mps = kmh / 3.6;
        double radians = degrees * Math.PI / 180;
        for (double s = 1; s <= seconds; s++)
        {
            yield return Drive.Fix(from + s, eastM + (Math.Sin(radians) * mps * s), northM + (Math.Cos(radians) * mps * s), kmh: kmh);
        }
    }

    private static IEnumerable<Observation> Parked(double from, double seconds, double eastM, double northM = 0)
    {
        for (double t = from; t < from + seconds; t += 10)
        {
            yield return Drive.Fix(t, eastM, northM, kmh: 0);
        }
    }

    /// <summary>
    /// Parked to 300 s, then 15 km at 60 km/h: 5 km east, a 5 km dog-leg (2.5 km north-east, 2.5 km south-east) from
    /// 600 s to 900 s, 5 km east; parked from 1,201 s. The dog-leg's chord is 3,536 m, so bridging it loses 1,464 m.
    /// </summary>
    private static Observation[] DogLegDrive(double parkUntil = 3_900)
    {
        double legM = 2_500 / Math.Sqrt(2);
        return
        [
            .. Parked(0, 300, 0),
            .. Heading(300, 300, 0, 0, 60, 90),
            .. Heading(600, 150, 5_000, 0, 60, 45),
            .. Heading(750, 150, 5_000 + legM, legM, 60, 135),
            .. Heading(900, 300, 5_000 + (2 * legM), 0, 60, 90),
            .. Parked(1_201, parkUntil - 1_201, 10_000 + (2 * legM)),
        ];
    }

    private static Rig WithRentalAndReading(out Rental rental)
    {
        rental = new Rental(Drive.Car, "renter-1", Drive.Ms(100), Drive.Ms(3_700));
        var rig = new Rig();
        rig.Store.Rentals.Add(rental);
        rig.Store.OdometerReadings.Add(new(Drive.Car, Drive.Ms(50), Reading, "operator"));
        return rig;
    }

    private static double Odometer(Rig rig) =>
        rig.Store.GetAsync(Drive.Car, CancellationToken.None).GetAwaiter().GetResult()!.States.Odometer.ValueM;

    [Fact]
    public void ALateBacklog_InsideAClosedTrip_RevisesTheCarsOdometer_AndTheRentalsEndOdometer()
    {
        Rig rig = WithRentalAndReading(out Rental rental);
        Observation[] all = DogLegDrive();

        // The dog-leg is a dead zone: everything else arrives, the trip closes bridged, the rental ends and records it.
        bool InHole(Observation o) => o.Ts > Drive.Ms(600) && o.Ts <= Drive.Ms(900);
        rig.Deliver(all.Where(o => !InHole(o)));
        Assert.True(Assert.Single(rig.Trips.Trips).Estimated);
        Assert.InRange(Odometer(rig), Reading + 13_526, Reading + 13_546);
        FleetEvent bridged = Assert.Single(rig.Of(EventType.RentalEnded));
        Assert.Equal(rental.ToMs, bridged.EpisodeStartMs);
        Assert.InRange(bridged.OdometerM!.Value, Reading + 13_526, Reading + 13_546);
        long started = Assert.Single(rig.Of(EventType.RentalStarted)).OdometerM!.Value;

        // The backlog arrives after the trip was closed and the rental ended: the odometer gains the dog-leg's true
        // length, the rental's end is the same event revised, and its start is unchanged.
        rig.Deliver(all.Where(InHole));
        Assert.False(Assert.Single(rig.Trips.Trips).Estimated);
        Assert.InRange(Odometer(rig), Reading + 14_990, Reading + 15_010);
        FleetEvent revised = Assert.Single(rig.Of(EventType.RentalEnded));
        Assert.Equal(bridged.EpisodeStartMs, revised.EpisodeStartMs);
        Assert.InRange(revised.OdometerM!.Value, Reading + 14_990, Reading + 15_010);
        Assert.Equal(started, Assert.Single(rig.Of(EventType.RentalStarted)).OdometerM!.Value);
        Assert.Equal((long)Reading, started);
    }

    [Fact]
    public void ALateBacklog_InDeliveryOrder_EndsWhereInOrderDeliveryDoes()
    {
        Observation[] all = DogLegDrive();
        Rig inOrder = WithRentalAndReading(out _);
        inOrder.Deliver(all);

        Rig late = WithRentalAndReading(out _);
        late.Deliver(all.Where(o => o.Ts <= Drive.Ms(600) || o.Ts > Drive.Ms(900)));
        late.Deliver(all.Where(o => o.Ts > Drive.Ms(600) && o.Ts <= Drive.Ms(900)));

        Assert.Equal(Odometer(inOrder), Odometer(late));
        Assert.Equal(inOrder.Of(EventType.RentalEnded).Single().OdometerM, late.Of(EventType.RentalEnded).Single().OdometerM);
    }

    [Fact]
    public void AReadingEnteredAfterTheFact_AppliesAtItsOwnTime_AsIfItHadBeenThereAllAlong()
    {
        // Two 3 km trips; the dashboard was read at 1,000 s, between them, but the operator enters it only after both.
        Observation[] first = [.. Parked(0, 300, 0), .. Heading(300, 180, 0, 0, 60, 90), .. Parked(481, 900, 3_000)];
        Observation[] second = [.. Heading(1_381, 180, 3_000, 0, 60, 90), .. Parked(1_562, 300, 6_000)];
        var reading = new Tracker.Cloud.Derive.Processors.Odometer.OdometerReading(Drive.Car, Drive.Ms(1_000), Reading, "operator");

        Rig known = new();
        known.Store.OdometerReadings.Add(reading);
        known.Deliver(first);
        known.Deliver(second);

        Rig entered = new();
        entered.Deliver(first);
        entered.Deliver(second);
        Assert.InRange(Odometer(entered), 5_990, 6_010);
        entered.Store.OdometerReadings.Add(reading);

        // The next fix of the car brings the reading in: the odometer is the reading plus the second trip, not the reading
        // alone (as it would be, applied at that fix), and the second trip starts at the reading.
        Observation next = Drive.Fix(1_870, 6_000, kmh: 0);
        known.Deliver(next);
        entered.Deliver(next);
        Assert.InRange(Odometer(entered), Reading + 2_990, Reading + 3_010);
        Assert.Equal(Odometer(known), Odometer(entered));
        Assert.Equal(known.Trips.Trips.Select(t => t.StartOdometerM), entered.Trips.Trips.Select(t => t.StartOdometerM));
        Assert.InRange(entered.Trips.Trips[1].StartOdometerM, Reading - 1, Reading + 1);
    }

    [Fact]
    public void AReading_CarriesForward_AndLateDataBeforeIt_DoesNotMoveTheOdometerAfterIt()
    {
        // The dashboard read 5,000 km at 1,500 s, after the drive; then the car drives 3 km more.
        var rig = new Rig();
        rig.Store.OdometerReadings.Add(new(Drive.Car, Drive.Ms(1_500), Reading, "operator"));
        Observation[] all = [.. DogLegDrive(parkUntil: 2_000), .. Heading(2_000, 180, 10_000 + 3_536, 0, 60, 90), .. Parked(2_181, 600, 13_536 + 3_000)];

        // The drive before the reading arrives with its dog-leg missing, then late.
        rig.Deliver(all.Where(o => o.Ts <= Drive.Ms(600) || o.Ts > Drive.Ms(900)));
        Assert.InRange(Odometer(rig), Reading + 2_990, Reading + 3_010);
        Assert.Equal(2, rig.Trips.Trips.Count);
        Assert.InRange(rig.Trips.Trips[1].StartOdometerM, Reading - 1, Reading + 1);

        rig.Deliver(all.Where(o => o.Ts > Drive.Ms(600) && o.Ts <= Drive.Ms(900)));
        Assert.InRange(Odometer(rig), Reading + 2_990, Reading + 3_010);
        Assert.InRange(rig.Trips.Trips[1].StartOdometerM, Reading - 1, Reading + 1);
        Assert.InRange(rig.Trips.Trips[0].DistanceM, 14_990, 15_010);
    }
}
