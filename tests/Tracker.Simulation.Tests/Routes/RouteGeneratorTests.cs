using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Routes;

public class RouteGeneratorTests
{
    private const int TwoHours = 7200;

    // The pace factor of a trip is at most 1.08 (RouteGenerator's drivers).
    private const double MaxPace = 1.08;

    [Fact]
    public void Next_SameSeeds_GivesTheSameDrive()
    {
        RouteEpoch[] a = Drives.Drive(Drives.Town, 3, 3000);
        RouteEpoch[] b = Drives.Drive(RoadNetwork.Generate(RouteOptions.Default), 3, 3000);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Next_AnotherCarSeed_GivesAnotherDrive()
    {
        RouteEpoch[] a = Drives.Drive(Drives.Town, 3, 600);
        RouteEpoch[] b = Drives.Drive(Drives.Town, 4, 600);
        Assert.NotEqual(a.Select(e => e.Truth.EastM), b.Select(e => e.Truth.EastM));
    }

    [Fact]
    public void Speeds_StayWithinTheRoadClassLimits()
    {
        double top = 0;
        foreach (int car in new[] { 1, 2, 3 })
        {
            foreach (RouteEpoch e in Drives.Drive(Drives.Town, car, TwoHours))
            {
                double limit = RouteOptions.Default.ArterialKmh / 3.6;
                limit = e.Truth.Road switch
                {
                    RoadClass.Residential => RouteOptions.Default.ResidentialKmh / 3.6,
                    RoadClass.Highway => RouteOptions.Default.HighwayKmh / 3.6,
                    _ => limit,
                };
                Assert.True(e.Truth.SpeedMps <= (limit * MaxPace) + 1e-9, $"car {car} s {e.Second}: {e.Truth.SpeedMps * 3.6:0.0} km/h on {e.Truth.Road}");
                Assert.Equal(limit, e.Truth.SpeedLimitMps, 9);
                top = Math.Max(top, e.Truth.SpeedMps);
            }
        }

        Assert.True(top * 3.6 > 85, $"never reached highway speed: {top * 3.6:0.0} km/h");
    }

    [Fact]
    public void Acceleration_NeverExceedsThreeMetresPerSecondSquared()
    {
        RouteEpoch[] drive = Drives.Drive(Drives.Town, 5, TwoHours);
        for (int i = 1; i < drive.Length; i++)
        {
            double dv = drive[i].Truth.SpeedMps - drive[i - 1].Truth.SpeedMps;
            Assert.InRange(dv, -RouteOptions.MaxBrakingMps2 - 1e-9, RouteOptions.MaxBrakingMps2 + 1e-9);
        }
    }

    [Fact]
    public void ConsecutiveFixes_NeverJumpFurtherThanTheCarCouldMove()
    {
        // The truth moves at most the distance its speed allows in a second; the reported position adds
        // the change of a slowly wandering error (AR(1) innovations of ~0.3 m per axis at HDOP 1).
        foreach (int car in new[] { 6, 7 })
        {
            RouteEpoch[] drive = Drives.Drive(Drives.Town, car, TwoHours);
            for (int i = 1; i < drive.Length; i++)
            {
                RouteEpoch a = drive[i - 1], b = drive[i];
                double allowed = Math.Max(a.Truth.SpeedMps, b.Truth.SpeedMps) + 1.0;
                double moved = Distance(a.Truth.EastM, a.Truth.NorthM, b.Truth.EastM, b.Truth.NorthM);
                Assert.True(moved <= allowed, $"car {car} s {b.Second}: truth moved {moved:0.0} m at {allowed:0.0} m/s");
                if (!a.Gnss.HasFix || !b.Gnss.HasFix)
                {
                    continue;
                }

                double reported = Metres(a.Gnss.LatitudeDeg, a.Gnss.LongitudeDeg, b.Gnss.LatitudeDeg, b.Gnss.LongitudeDeg);
                Assert.True(reported <= allowed + 6, $"car {car} s {b.Second}: reported {reported:0.0} m at {allowed:0.0} m/s");
            }
        }
    }

    [Fact]
    public void Drive_StopsAtIntersectionsAndParks()
    {
        RouteEpoch[] drive = Drives.Drive(Drives.Town, 8, 4 * 3600);
        List<(DrivePhase Phase, int Length)> runs = Runs(drive.Select(e => e.Truth.Phase).ToArray());
        Assert.True(runs.Count(r => r.Phase == DrivePhase.Stopped) >= 10, "too few stops");
        Assert.Contains(runs, r => r.Phase == DrivePhase.Stopped && r.Length >= 15);
        Assert.Contains(runs, r => r.Phase == DrivePhase.Parked && r.Length >= RouteOptions.Default.Park.Min);
        Assert.All(runs.Skip(1).SkipLast(1).Where(r => r.Phase == DrivePhase.Parked), r => Assert.InRange(r.Length, RouteOptions.Default.Park.Min - 1, RouteOptions.Default.Park.Max + 2));
        Assert.InRange(drive.Count(e => e.Truth.Phase == DrivePhase.Moving) / (double)drive.Length, 0.3, 0.9);

        // A parked car stands still (the truth), while its reported position wanders by a few metres.
        RouteEpoch[] parked = drive.Where(e => e.Truth.Phase == DrivePhase.Parked).ToArray();
        Assert.All(parked, e => Assert.Equal(0, e.Truth.SpeedMps));
        Assert.All(parked.Where(e => e.Gnss.HasFix), e => Assert.InRange(e.Gnss.SpeedMps, 0, 0.3));
    }

    [Fact]
    public void Tunnels_GiveNoFixEpochs_ForTenToNinetySeconds()
    {
        var options = RouteOptions.Default with { TunnelEvery = new SecondsRange(300, 600) };
        RouteEpoch[] drive = Drives.Drive(RoadNetwork.Generate(options), 9, TwoHours);
        List<(bool InTunnel, int Length)> runs = Runs(drive.Select(e => e.InTunnel).ToArray());
        List<int> tunnels = runs.Where(r => r.InTunnel).Select(r => r.Length).ToList();
        Assert.True(tunnels.Count >= 4, $"{tunnels.Count} tunnels");
        Assert.All(tunnels, length => Assert.InRange(length, 10, 90));
        Assert.All(drive, e => Assert.Equal(!e.InTunnel, e.Gnss.HasFix));
        Assert.All(drive.Where(e => e.InTunnel), e => Assert.True(double.IsNaN(e.Gnss.LatitudeDeg) && double.IsNaN(e.Gnss.LongitudeDeg)));

        // A tunnel starts only while the car moves (it entered one); the car drives on through it.
        foreach (int start in Enumerable.Range(1, drive.Length - 1).Where(i => drive[i].InTunnel && !drive[i - 1].InTunnel))
        {
            Assert.Equal(DrivePhase.Moving, drive[start].Truth.Phase);
        }
    }

    [Fact]
    public void DeadZones_LastThirtySecondsToFiveMinutes_AndKeepTheFix()
    {
        var options = RouteOptions.Default with { DeadZoneEvery = new SecondsRange(600, 900), Tunnels = false };
        RouteEpoch[] drive = Drives.Drive(RoadNetwork.Generate(options), 10, TwoHours);
        List<(bool Dead, int Length)> runs = Runs(drive.Select(e => e.InDeadZone).ToArray());
        List<int> zones = runs.Where(r => r.Dead).Select(r => r.Length).ToList();
        Assert.True(zones.Count >= 5, $"{zones.Count} dead zones");
        Assert.All(zones, length => Assert.InRange(length, 30, 301));
        Assert.All(runs.Where(r => !r.Dead).Skip(1).SkipLast(1), r => Assert.InRange(r.Length, 599, 901));
        Assert.All(drive, e => Assert.True(e.Gnss.HasFix));
    }

    [Fact]
    public void Outages_Off_NeverHappen()
    {
        var options = RouteOptions.Default with { Tunnels = false, DeadZones = false };
        RouteEpoch[] drive = Drives.Drive(RoadNetwork.Generate(options), 11, TwoHours);
        Assert.DoesNotContain(drive, e => e.InTunnel || e.InDeadZone || !e.Gnss.HasFix);
    }

    [Fact]
    public void Coverage_AskedInAnyOrder_AnswersTheSame()
    {
        var a = new RouteGenerator(Drives.Town, 12);
        var b = new RouteGenerator(Drives.Town, 12);
        long[] times = Enumerable.Range(0, 2000).Select(i => i * 7_919L % 20_000_000).ToArray();
        bool[] forward = times.Order().Select(a.Coverage.InCoverage).ToArray();
        bool[] shuffled = times.Order().Reverse().Select(b.Coverage.InCoverage).Reverse().ToArray();
        Assert.Equal(forward, shuffled);
        Assert.Contains(false, forward);
    }

    [Property(MaxTest = 12)]
    public Property AnySeedAndTown_ObeysTheSpeedAndAccelerationBounds() =>
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (townSeed, carSeed) =>
        {
            var options = RouteOptions.Default with { Seed = townSeed, RadiusM = 2500, ParkShare = 0.1 };
            RouteEpoch[] drive = Drives.Drive(RoadNetwork.Generate(options), carSeed, 1200);
            for (int i = 1; i < drive.Length; i++)
            {
                Assert.True(drive[i].Truth.SpeedMps <= (drive[i].Truth.SpeedLimitMps * MaxPace) + 1e-9);
                Assert.InRange(drive[i].Truth.SpeedMps - drive[i - 1].Truth.SpeedMps, -3 - 1e-9, 3 + 1e-9);
                Assert.InRange(drive[i].Truth.HeadingDeg, 0, 360);
                Assert.True(double.IsFinite(drive[i].Truth.LatitudeDeg) && double.IsFinite(drive[i].Truth.LongitudeDeg));
            }
        });

    internal static List<(T Value, int Length)> Runs<T>(T[] values)
    {
        var runs = new List<(T, int)>();
        int start = 0;
        for (int i = 1; i <= values.Length; i++)
        {
            if (i == values.Length || !EqualityComparer<T>.Default.Equals(values[i], values[start]))
            {
                runs.Add((values[start], i - start));
                start = i;
            }
        }

        return runs;
    }

    private static double Distance(double x0, double y0, double x1, double y1) => Math.Sqrt(((x1 - x0) * (x1 - x0)) + ((y1 - y0) * (y1 - y0)));

    private static double Metres(double lat0, double lon0, double lat1, double lon1)
    {
        double north = (lat1 - lat0) * 111_000;
        double east = (lon1 - lon0) * 111_000 * Math.Cos(lat0 * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }
}
