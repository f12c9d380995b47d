using Tracker.Simulation.Scenarios;

namespace Tracker.Simulation.Tests.Scenarios;

public sealed class ScenarioFleetTests
{
    private const long Start = 1_780_000_000_000;

    private static readonly Scenario Fleet = ScenarioFleet.Generate(new ScenarioOptions { Seed = 16, Cars = 4, HoursPerCar = 5, StartMs = Start });

    [Fact]
    public void SameOptions_GiveTheSameFleet()
    {
        Scenario again = ScenarioFleet.Generate(Fleet.Options);
        Assert.Equal(Fleet.Truth, again.Truth);
        Assert.Equal(Fleet.Deliveries.Count, again.Deliveries.Count);
        Assert.True(Fleet.Deliveries.Zip(again.Deliveries).All(p => p.First.ArrivalMs == p.Second.ArrivalMs && p.First.CarId == p.Second.CarId
            && (p.First.Fixes ?? []).SequenceEqual(p.Second.Fixes ?? []) && p.First.Status == p.Second.Status));
    }

    [Fact]
    public void FourCars_InjectEveryKindOfEvent_IncludingLateOnes()
    {
        string[] kinds = ["overspeed", "geofence-enter", "geofence-exit", "ignition-on", "ignition-off", "towing", "power-lost", "power-restored",
            "offline", "online", "rental-started", "rental-ended", "rental-not-returned"];
        foreach (string kind in kinds)
        {
            Assert.Contains(Fleet.Truth, t => t.Type == kind);
        }

        Assert.Contains(Fleet.Truth, t => t.Late == true);
        Assert.Equal(4, Fleet.Zones.Count(z => z.RadiusM > 0));
        Assert.Equal(4, Fleet.Zones.Count(z => z.Vertices.Count == 4));
    }

    [Fact]
    public void Deliveries_AreInArrivalOrder_AfterTheirFixes_InBatchesOfAtMostTen()
    {
        Assert.True(Fleet.Deliveries.Zip(Fleet.Deliveries.Skip(1)).All(p => p.First.ArrivalMs <= p.Second.ArrivalMs));
        foreach (ScenarioDelivery d in Fleet.Deliveries)
        {
            Assert.True((d.Fixes is null) != (d.Status is null));
            if (d.Fixes is { } fixes)
            {
                Assert.InRange(fixes.Count, 1, 10);
                Assert.All(fixes, f => Assert.True(f.Ts < d.ArrivalMs && f.Ts % 1000 == 0));
                Assert.True(fixes.Zip(fixes.Skip(1)).All(p => p.First.Ts < p.Second.Ts));
            }
            else
            {
                Assert.True(d.Status!.Value.Ts < d.ArrivalMs);
            }
        }

        Assert.Equal(Start + (5 * 3_600_000), Fleet.EndMs);
        Assert.True(Fleet.Deliveries[^1].ArrivalMs <= Fleet.EndMs + 1000);
    }

    [Fact]
    public void AfterADeadZone_TheNewestFixComesFirst_ThenTheBacklog()
    {
        // A backlog: a batch whose fixes are older than a fix of the same car that arrived before it.
        bool found = false;
        var newest = new Dictionary<string, long>();
        foreach (ScenarioDelivery d in Fleet.Deliveries.Where(d => d.Fixes is not null))
        {
            long last = newest.GetValueOrDefault(d.CarId, long.MinValue);
            found |= d.Fixes![^1].Ts < last && last - d.Fixes[0].Ts > 5 * 60_000;
            newest[d.CarId] = Math.Max(last, d.Fixes[^1].Ts);
        }

        Assert.True(found);
    }

    [Theory]
    [InlineData(0, 5.0, 90, 0L, "Cars")]
    [InlineData(4, 0.5, 90, 0L, "HoursPerCar")]
    [InlineData(4, 5.0, 10, 0L, "SpeedLimitKmh")]
    [InlineData(4, 5.0, 90, 1L, "StartMs")]
    public void BadOptions_AreRefused_NamingTheOption(int cars, double hours, int limit, long startOffset, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ScenarioFleet.Generate(new ScenarioOptions { Cars = cars, HoursPerCar = hours, SpeedLimitKmh = limit, StartMs = Start + startOffset }));
        Assert.Equal(name, e.ParamName);
    }
}
