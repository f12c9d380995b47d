using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Processors;

/// <summary>Hand-made scenarios for trips, stops and the odometer (issue 17), each a rule a user must be able to trust.</summary>
public sealed class TripTests
{
    /// <summary>Parked fixes every 10 s for <paramref name="seconds"/> at <paramref name="eastM"/>, from <paramref name="from"/>.</summary>
    private static IEnumerable<Observation> Parked(double from, double seconds, double eastM, double wanderM = 0, int seed = 1)
    {
        var random = new Random(seed);
        for (double t = from; t < from + seconds; t += 10)
        {
            yield return Drive.Fix(t, eastM + ((random.NextDouble() - 0.5) * 2 * wanderM), (random.NextDouble() - 0.5) * 2 * wanderM, kmh: 0);
        }
    }

    /// <summary>Driving east at <paramref name="kmh"/>, a fix a second, for <paramref name="seconds"/> from <paramref name="from"/> at <paramref name="eastM"/>.</summary>
    private static IEnumerable<Observation> Driving(double from, double seconds, double eastM, double kmh, double northM = 0)
    {
        for (double s = 1; s <= seconds; s++)
        {
            yield return Drive.Fix(from + s, eastM + (kmh / 3.6 * s), northM, kmh: kmh, courseDeg: 90);
        }
    }

    [Fact]
    public void ADrive_BetweenTwoParkings_IsOneTripWithItsFigures_AndTheStopAfterIt()
    {
        var rig = new Rig();
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 600, 0, 54), .. Parked(901, 600, 9000)]);

        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.Equal((Drive.Ms(290), Drive.Ms(901)), (trip.StartTs, trip.EndTs));
        Assert.InRange(trip.DistanceM, 8_990, 9_010);
        Assert.Equal(0, trip.EstimatedM);
        Assert.Equal(15_000, trip.MaxSpeedMmps);
        Assert.InRange(trip.AvgSpeedMmps, 14_600, 14_800);
        Assert.Equal((Drive.At(0, 0).LatE7, Drive.At(0, 0).LonE7), (trip.StartLatE7, trip.StartLonE7));
        Assert.Equal(Drive.At(9000, 0).LonE7, trip.EndLonE7);

        Stop stop = Assert.Single(rig.Trips.Stops);
        Assert.Equal((trip.EndTs, (long?)null), (stop.StartTs, stop.EndTs));
    }

    [Fact]
    public void ParkedJitter_WithSpuriousMovingFixes_NeverMakesATrip_NorMovesTheOdometer()
    {
        var rig = new Rig();
        var random = new Random(7);
        List<Observation> parked = [];
        for (double t = 0; t < 7200; t += 10)
        {
            // 25 m of wander, and every so often a fix that claims 8 km/h.
            double kmh = random.Next(8) == 0 ? 8 : 0;
            parked.Add(Drive.Fix(t, (random.NextDouble() - 0.5) * 50, (random.NextDouble() - 0.5) * 50, kmh: kmh));
        }

        rig.DeliverEach(parked);
        rig.Tick(Drive.Ms(9000));

        Assert.Empty(rig.Trips.Trips);
        CarState(rig, out double odometer);
        Assert.Equal(0, odometer);
    }

    [Fact]
    public void AParkingManoeuvre_UnderTheMinimumDistance_IsNoTrip()
    {
        var rig = new Rig();
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 20, 0, 18), .. Parked(321, 600, 100)]);
        Assert.Empty(rig.Trips.Trips);
    }

    [Fact]
    public void ATrafficLight_ShorterThanTheMinimumStop_DoesNotSplitTheTrip()
    {
        var rig = new Rig();
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 200, 0, 36), .. Parked(501, 90, 2000), .. Driving(591, 200, 2000, 36), .. Parked(792, 600, 4000)]);
        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.InRange(trip.DistanceM, 3_990, 4_010);
    }

    [Fact]
    public void ATunnel_InsideATrip_IsBridgedAndMarkedEstimated_NotSplit()
    {
        var rig = new Rig();

        // 3 minutes without fixes while 3 km go by in a straight line.
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 300, 0, 60), .. Driving(780, 300, 8000, 60), .. Parked(1081, 600, 13_000)]);

        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.InRange(trip.DistanceM, 12_980, 13_020);
        Assert.InRange(trip.EstimatedM, 3_010, 3_020);
        Assert.True(trip.Estimated);
    }

    [Fact]
    public void ACarLostOnACurve_IsBridgedAlongTheArcLeavingItsLastCourse_NotTheChord()
    {
        var rig = new Rig();

        // East at 54 km/h, then 100 s without a fix on a bend that turns it 120 degrees left: 1,500 m of arc whose chord
        // (1,240 m) leaves the course at 60 degrees. Then north-north-west, and it parks.
        (double exitE, double exitN) = (1800 + 620.2, 1074.3);
        List<Observation> fixes = [.. Parked(0, 300, 0), .. Driving(300, 120, 0, 54)];
        for (int s = 0; s <= 60; s++)
        {
            fixes.Add(Drive.Fix(520 + s, exitE - (7.5 * s), exitN + (13 * s), kmh: 54, courseDeg: 330));
        }

        (double endE, double endN) = (exitE - 450, exitN + 780);
        for (int s = 590; s < 1200; s += 10)
        {
            fixes.Add(Drive.Fix(s, endE, endN, kmh: 0));
        }

        rig.Deliver(fixes);

        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.InRange(trip.EstimatedM, 1_480, 1_520);
        Assert.InRange(trip.DistanceM, 1_800 + 1_480 + 890, 1_800 + 1_520 + 910);
    }

    [Fact]
    public void ACarLostTurningBack_IsBridgedAtMostAQuarterCircleLongerThanTheChord()
    {
        var rig = new Rig();

        // East at 54 km/h, then found 600 m behind where it was lost, 100 s later: at most pi/2 times the chord.
        List<Observation> fixes = [.. Parked(0, 300, 0), .. Driving(300, 120, 0, 54)];
        for (int s = 0; s <= 20; s++)
        {
            fixes.Add(Drive.Fix(520 + s, 1200 - (15 * s), 0, kmh: 54, courseDeg: 270));
        }

        for (int s = 550; s < 1200; s += 10)
        {
            fixes.Add(Drive.Fix(s, 900, 0, kmh: 0));
        }

        rig.Deliver(fixes);

        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.InRange(trip.EstimatedM, 600 * Math.PI / 2 * 0.99, 600 * Math.PI / 2 * 1.01);
    }

    [Fact]
    public void ASlowCarOrOneWithoutACourse_IsBridgedWithTheChord()
    {
        foreach (double? course in new double?[] { 90, null })
        {
            var rig = new Rig();

            // 14.4 km/h (its course is noise at that speed), or no course: 40 s unseen, found 300 m away at 60 degrees
            // from its course.
            List<Observation> fixes = [.. Parked(0, 300, 0)];
            for (int s = 1; s <= 120; s++)
            {
                fixes.Add(Drive.Fix(300 + s, 4 * s, 0, kmh: 14.4, courseDeg: course));
            }

            (double exitE, double exitN) = (480 + 150, 259.8);
            for (int s = 0; s <= 60; s++)
            {
                fixes.Add(Drive.Fix(460 + s, exitE, exitN + (4 * s), kmh: 14.4, courseDeg: course is null ? null : 0));
            }

            for (int s = 530; s < 1200; s += 10)
            {
                fixes.Add(Drive.Fix(s, exitE, exitN + 240, kmh: 0));
            }

            rig.Deliver(fixes);

            Trip trip = Assert.Single(rig.Trips.Trips);
            Assert.InRange(trip.EstimatedM, 297, 303);
        }
    }

    [Theory]
    [InlineData(0, 1000, 0)]
    [InlineData(1000, 0, 90)]
    [InlineData(0, -1000, 180)]
    [InlineData(-1000, 0, 270)]
    [InlineData(1000, 1000, 45)]
    public void TheBearingBetweenTwoPositions_IsDegreesClockwiseFromNorth(double eastM, double northM, double expected)
    {
        GeoPoint a = Drive.At(0, 0);
        GeoPoint b = Drive.At(eastM, northM);
        Assert.InRange(GeoDistance.BearingDeg(a.LatE7, a.LonE7, b.LatE7, b.LonE7), expected - 0.5, expected + 0.5);
    }

    [Fact]
    public void TwoTrips_TheStopBetweenThemIsClosed_AndTheOdometerCarriesBoth()
    {
        var rig = new Rig();
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 1200, 3000), .. Driving(1801, 300, 3000, 36), .. Parked(2102, 600, 6000)]);

        Assert.Equal(2, rig.Trips.Trips.Count);
        Trip second = rig.Trips.Trips[1];
        Assert.InRange(second.StartOdometerM, 2_990, 3_010);
        Stop between = rig.Trips.Stops[0];
        Assert.Equal((rig.Trips.Trips[0].EndTs, second.StartTs), (between.StartTs, between.EndTs!.Value));
        Assert.Null(rig.Trips.Stops[1].EndTs);
        CarState(rig, out double odometer);
        Assert.InRange(odometer, 5_980, 6_020);
    }

    [Fact]
    public void IgnitionOff_EndsTheTripWhereTheCarStood()
    {
        var rig = new Rig();
        rig.Deliver([Drive.Status(299, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), Drive.Status(600.5, IgnitionState.Off)]);

        // A parked car's next sign of life is a heartbeat 15 minutes later.
        rig.Deliver(Drive.Fix(1500, 3000, kmh: 0));
        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.Equal(Drive.Ms(600.5), trip.EndTs);
    }

    [Fact]
    public void ACarThatParksOutOfSight_AndSwitchesOff_EndsItsTripWhereItIsFoundStanding_NotMergedWithTheNext()
    {
        var rig = new Rig();

        // Last seen at 3,000 m; it drives on 500 m into an underground car park with no fix, parks and switches off at
        // 650 s; the fix comes back at 680 s where it stands; it leaves at 1,200 s for another 3 km.
        rig.Deliver([Drive.Status(0, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), Drive.Status(650, IgnitionState.Off),
            .. Parked(680, 520, 3500), Drive.Status(1195, IgnitionState.On), .. Driving(1200, 300, 3500, 36), .. Parked(1501, 600, 6500)]);

        Assert.Equal(2, rig.Trips.Trips.Count);
        Trip first = rig.Trips.Trips[0];
        Assert.Equal(Drive.Ms(650), first.EndTs);
        Assert.Equal(Drive.At(3500, 0).LonE7, first.EndLonE7);
        Assert.InRange(first.DistanceM, 3_490, 3_510);
        Assert.InRange(first.EstimatedM, 490, 510);
        Assert.InRange(rig.Trips.Trips[1].StartTs, Drive.Ms(1190), Drive.Ms(1200));
    }

    [Fact]
    public void NoFixAfterTheCarStood_TheClockClosesTheTrip()
    {
        var rig = new Rig();
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), Drive.Fix(601, 3000, kmh: 0)]);
        Assert.Empty(rig.Trips.Trips);
        rig.Tick(Drive.Ms(601 + 600));
        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.Equal(Drive.Ms(601), trip.EndTs);
    }

    [Fact]
    public void LateData_AfterTheTripClosed_RevisesIt_NeitherDuplicatingNorLosingIt()
    {
        var rig = new Rig();
        Observation[] all = [.. Parked(0, 300, 0), .. Driving(300, 900, 0, 60), .. Parked(1201, 900, 15_000)];

        // A dead zone: the middle five minutes arrive an hour late, after the trip was closed with them bridged.
        long holeFrom = Drive.Ms(600);
        long holeTo = Drive.Ms(900);
        rig.Deliver(all.Where(o => o.Ts < holeFrom || o.Ts >= holeTo));
        Trip bridged = Assert.Single(rig.Trips.Trips);
        Assert.True(bridged.Estimated);

        rig.Deliver(all.Where(o => o.Ts >= holeFrom && o.Ts < holeTo));
        Trip revised = Assert.Single(rig.Trips.Trips);
        Assert.Equal((bridged.StartTs, bridged.EndTs), (revised.StartTs, revised.EndTs));
        Assert.False(revised.Estimated);
        Assert.InRange(revised.DistanceM, 14_990, 15_010);
        Assert.Single(rig.Trips.Stops);
    }

    [Fact]
    public void AGapTooSlowForDriving_IsAStop_AndTheLateDataThenRevisesBothTripsEnds()
    {
        var rig = new Rig();
        Observation[] all = [.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000), .. Driving(1201, 300, 3000, 36), .. Parked(1502, 600, 6000)];

        // The first trip's last minute and the parking arrive late: 620 m in 11 minutes is no drive, so the car stood.
        rig.Deliver(all.Where(o => o.Ts < Drive.Ms(540) || o.Ts >= Drive.Ms(1201)));
        Assert.Equal(2, rig.Trips.Trips.Count);
        Assert.True(rig.Trips.Trips[1].Estimated);
        long firstStart = rig.Trips.Trips[0].StartTs;

        // The backlog revises both: the first ends where it really did, the second starts from the parking; no third.
        rig.Deliver(all.Where(o => o.Ts >= Drive.Ms(540) && o.Ts < Drive.Ms(1201)));
        Assert.Equal(2, rig.Trips.Trips.Count);
        Assert.All(rig.Trips.Trips, t => Assert.False(t.Estimated));
        Assert.All(rig.Trips.Trips, t => Assert.InRange(t.DistanceM, 2_990, 3_010));
        Assert.Equal(firstStart, rig.Trips.Trips[0].StartTs);
        Assert.Equal(Drive.Ms(601), rig.Trips.Trips[0].EndTs);
        Assert.Equal(2, rig.Trips.Stops.Count);
    }

    [Fact]
    public void ARedeliveredBatch_WritesNothingNew()
    {
        var rig = new Rig();
        Observation[] all = [.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000)];
        rig.Deliver(all);
        string before = Describe(rig.Trips.Trips);
        rig.Deliver(all);
        Assert.Equal(before, Describe(rig.Trips.Trips));
        Assert.Single(rig.Trips.Trips);
    }

    [Fact]
    public void ADashboardReading_SetsTheOdometer_AndTripsCarryItForward()
    {
        var rig = new Rig();
        rig.Store.OdometerReadings.Add(new(Drive.Car, Drive.Ms(100), 123_456_000, "operator"));
        rig.Deliver([.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000)]);

        Trip trip = Assert.Single(rig.Trips.Trips);
        Assert.Equal(123_456_000, trip.StartOdometerM);
        CarState(rig, out double odometer);
        Assert.InRange(odometer, 123_458_990, 123_459_010);
    }

    [Fact]
    public void TheEngineLeftRunning_WhileTheCarStands_IsTheStopsIdleTime_UntilIgnitionOffOrTheNextTrip()
    {
        var rig = new Rig();

        // Ignition on from the start; a 3 km trip; at the stop the engine runs 399 s, is off 100 s, runs again 91 s
        // before the next trip leaves (from its last standing fix at 1,191 s); after that trip the engine runs on
        // 98 s and is switched off while the stop is still being confirmed.
        rig.Deliver([Drive.Status(0, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000),
            Drive.Status(1000, IgnitionState.Off), Drive.Status(1100, IgnitionState.On), .. Driving(1201, 300, 3000, 36), .. Parked(1502, 600, 6000),
            Drive.Status(1600, IgnitionState.Off)]);

        Assert.Equal(2, rig.Trips.Trips.Count);
        Stop between = rig.Trips.Stops[0];
        Assert.Equal((Drive.Ms(601), Drive.Ms(1191)), (between.StartTs, between.EndTs!.Value));
        Assert.Equal(490_000, between.IdleMs);
        Stop after = rig.Trips.Stops[1];
        Assert.Equal(Drive.Ms(1502), after.StartTs);
        Assert.Equal(98_000, after.IdleMs);
    }

    [Fact]
    public void AnEngineRunningThroughAStop_CountsUntilTheNextTripLeaves_AndACarWithoutIgnitionNeverIdles()
    {
        var rig = new Rig();
        rig.Deliver([Drive.Status(0, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000), .. Driving(1201, 300, 3000, 36), .. Parked(1502, 600, 6000)]);
        Assert.Equal(590_000, rig.Trips.Stops[0].IdleMs);

        var silent = new Rig();
        silent.Deliver([.. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000), .. Driving(1201, 300, 3000, 36), .. Parked(1502, 600, 6000)]);
        Assert.All(silent.Trips.Stops, s => Assert.Equal(0, s.IdleMs));
    }

    [Fact]
    public void ASparseReporter_SilentWhileParked_CountsOnlyTheRunOnAndTheWarmUp_AsIdle()
    {
        var rig = new Rig();

        // One standing fix when it stops, the engine off 9 s later, silence for ten minutes, the engine on 11 s before
        // the first moving fix: the stop is confirmed only then (ignition on again), and idled 9 + 11 s, not the whole stop.
        rig.Deliver([Drive.Status(0, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), Drive.Fix(601, 3000, kmh: 0),
            Drive.Status(610, IgnitionState.Off), Drive.Status(1190, IgnitionState.On), .. Driving(1200, 300, 3000, 36), .. Parked(1501, 600, 6000)]);

        Assert.Equal(2, rig.Trips.Trips.Count);
        Stop between = rig.Trips.Stops[0];
        Assert.Equal((Drive.Ms(601), Drive.Ms(1201)), (between.StartTs, between.EndTs!.Value));
        Assert.Equal(20_000, between.IdleMs);
    }

    [Fact]
    public void IdleTime_IsRevisedByLateData_AsTheStopIs()
    {
        // The ignition-off status arrives late, after the next trip was found: the replay gives the same idle as in order.
        List<Observation> all = [Drive.Status(0, IgnitionState.On), .. Parked(0, 300, 0), .. Driving(300, 300, 0, 36), .. Parked(601, 600, 3000),
            Drive.Status(1000, IgnitionState.Off), Drive.Status(1100, IgnitionState.On), .. Driving(1201, 300, 3000, 36), .. Parked(1502, 600, 6000)];
        var inOrder = new Rig();
        inOrder.Deliver(all);
        var late = new Rig();
        late.Deliver(all.Where(o => o.Status is not { Ignition: IgnitionState.Off } && o.Ts != Drive.Ms(1100)));
        Assert.Equal(590_000, late.Trips.Stops[0].IdleMs);
        late.Deliver(all.Where(o => o.Status is { Ignition: IgnitionState.Off } || o.Ts == Drive.Ms(1100)));

        Assert.Equal(inOrder.Trips.Stops.Select(s => (s.StartTs, s.EndTs, s.IdleMs)), late.Trips.Stops.Select(s => (s.StartTs, s.EndTs, s.IdleMs)));
        Assert.Equal(490_000, late.Trips.Stops[0].IdleMs);
    }

    private static void CarState(Rig rig, out double odometerM)
    {
        var car = rig.Store.GetAsync(Drive.Car, CancellationToken.None).GetAwaiter().GetResult();
        odometerM = car?.States.Odometer.ValueM ?? 0;
    }

    internal static string Describe(IEnumerable<Trip> trips) => string.Join("\n", trips.Select(t => t with { DecidedTs = 0 }));
}
