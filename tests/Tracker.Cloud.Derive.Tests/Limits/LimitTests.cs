using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Limits;

/// <summary>Thresholds set for the fleet, a car or a rental: read strictly, and the most specific wins.</summary>
public sealed class LimitTests
{
    [Fact]
    public void ACarSetting_IsRead_InTheEngineUnits()
    {
        Assert.True(LimitParser.TryParse("{\"scope\":\"car\",\"id\":\"car-0007\",\"overspeedKmh\":90,\"offlineAfterIgnitionOnS\":120}", out LimitSetting? s, out string problem), problem);
        Assert.Equal(new LimitSetting(LimitScope.Car, "car-0007", 25_000, 120_000, null), s);
        Assert.Equal("car:car-0007", s!.Key);
        Assert.Equal("{\"scope\":\"car\",\"id\":\"car-0007\",\"overspeedKmh\":90,\"offlineAfterIgnitionOnS\":120}", LimitJson.ToJson(s));
    }

    [Fact]
    public void ASettingWithNoValue_IsEmpty_SoAPutRemovesIt()
    {
        Assert.True(LimitParser.TryParse("{\"scope\":\"fleet\"}", out LimitSetting? s, out _));
        Assert.True(s!.IsEmpty);
        Assert.Equal("fleet", s.Key);
    }

    [Theory]
    [InlineData("", "JSON object")]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"scope\":\"car\"", "not JSON")]
    [InlineData("{\"scope\":\"town\"}", "'scope' must be fleet, car or rental")]
    [InlineData("{\"overspeedKmh\":90}", "'scope' must be fleet, car or rental")]
    [InlineData("{\"scope\":\"car\",\"id\":\"car/+\"}", "a car setting needs the car's id")]
    [InlineData("{\"scope\":\"car\",\"id\":7}", "a car setting needs the car's id")]
    [InlineData("{\"scope\":\"fleet\",\"id\":\"x\"}", "a fleet setting has no id")]
    [InlineData("{\"scope\":\"rental\",\"id\":\"r1\"}", "a rental setting needs the rental's id")]
    [InlineData("{\"scope\":\"fleet\",\"overspeedKmh\":9}", "'overspeedKmh' must be a whole number from 10 to 300")]
    [InlineData("{\"scope\":\"fleet\",\"overspeedKmh\":90.5}", "'overspeedKmh' must be a whole number")]
    [InlineData("{\"scope\":\"fleet\",\"overspeedKmh\":\"90\"}", "'overspeedKmh' must be a whole number")]
    [InlineData("{\"scope\":\"fleet\",\"offlineAfterIgnitionOnS\":59}", "'offlineAfterIgnitionOnS' must be a whole number from 60 to 86400")]
    [InlineData("{\"scope\":\"fleet\",\"offlineAfterIgnitionOffS\":604801}", "'offlineAfterIgnitionOffS' must be a whole number from 60 to 604800")]
    [InlineData("{\"scope\":\"fleet\",\"speed\":1}", "unknown property 'speed'")]
    public void AMalformedSetting_IsRefused_WithItsReason(string json, string reason)
    {
        Assert.False(LimitParser.TryParse(json, out LimitSetting? s, out string problem));
        Assert.Null(s);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public void AnyText_IsReadOrRefused_NeverThrows(NonNull<string> text)
    {
        bool ok = LimitParser.TryParse(text.Get, out LimitSetting? s, out string problem);
        Assert.Equal(ok, s is not null);
        Assert.Equal(ok, problem.Length == 0);
    }

    [Property(MaxTest = 300)]
    public void AnyValidSetting_ReadsBackTheSame(PositiveInt kmh, PositiveInt on, bool car)
    {
        var s = new LimitSetting(car ? LimitScope.Car : LimitScope.Fleet, car ? "car-1" : string.Empty, LimitParser.KmhToMmps(10 + (kmh.Get % 291)), (60 + (on.Get % 86_341)) * 1000L, null);
        Assert.True(LimitParser.TryParse(LimitJson.ToJson(s), out LimitSetting? back, out string problem), problem);
        Assert.Equal(s, back);
    }

    [Fact]
    public void Overspeed_TheRentalsThresholdWinsOverTheCars_WhichWinsOverTheFleets()
    {
        var rental = new Rental(Drive.Car, "renter-1", Drive.Ms(100), Drive.Ms(200));
        SpeedLimits limits = SpeedLimits.From(
            [new LimitSetting(LimitScope.Fleet, string.Empty, 30_000, null, null), new LimitSetting(LimitScope.Car, Drive.Car, 20_000, null, null),
             new LimitSetting(LimitScope.Rental, RentalIds.Of(rental), 10_000, null, null)],
            new SpeedLimits { FleetMmps = 40_000 });
        var context = new DeriveContext(Drive.Car, [], [rental], limits);
        var other = new DeriveContext("car-2", [], [], limits);

        Assert.Equal(10_000, context.SpeedLimitMmpsAt(Drive.Ms(150)));
        Assert.Equal(20_000, context.SpeedLimitMmpsAt(Drive.Ms(250)));
        Assert.Equal(30_000, other.SpeedLimitMmpsAt(Drive.Ms(150)));
        Assert.Equal(40_000, new DeriveContext("car-2", [], [], SpeedLimits.From([], new SpeedLimits { FleetMmps = 40_000 })).SpeedLimitMmpsAt(0));
    }

    [Fact]
    public void Offline_ACarsOwnLimit_ReplacesTheDefault_ForThatIgnitionOnly()
    {
        var rig = new Rig();
        rig.Store.Limits = SpeedLimits.From([new LimitSetting(LimitScope.Car, Drive.Car, null, 120_000, null)], SpeedLimits.None);
        rig.Deliver(Drive.Status(0, IgnitionState.On), Drive.Fix(0, 0, kmh: 30));

        rig.Tick(Drive.Ms(1 + 119));
        Assert.Empty(rig.Of(EventType.Offline));
        rig.Tick(Drive.Ms(1 + 121));

        Assert.Equal(Drive.Ms(1), Assert.Single(rig.Of(EventType.Offline)).EpisodeStartMs);
    }

    [Fact]
    public void Offline_ARentalsLimit_AppliesWhileItRuns()
    {
        var rig = new Rig();
        var rental = new Rental(Drive.Car, "renter-1", Drive.Ms(0), Drive.Ms(10_000));
        rig.Store.Rentals.Add(rental);
        rig.Store.Limits = SpeedLimits.From(
            [new LimitSetting(LimitScope.Car, Drive.Car, null, null, 7200_000), new LimitSetting(LimitScope.Rental, RentalIds.Of(rental), null, null, 600_000)],
            SpeedLimits.None);
        rig.Deliver(Drive.Status(1, IgnitionState.Off));

        rig.Tick(Drive.Ms(2 + 599));
        Assert.Empty(rig.Of(EventType.Offline));
        rig.Tick(Drive.Ms(2 + 601));

        Assert.Single(rig.Of(EventType.Offline));
    }
}
