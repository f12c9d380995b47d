using Tracker.Simulation.Routes;

namespace Tracker.Simulation.Tests.Routes;

public class RouteOptionsTests
{
    [Fact]
    public void Default_IsReno_WithTheDocumentedLimits()
    {
        RouteOptions o = RouteOptions.Default;
        Assert.Equal(39.5296, o.CenterLatitudeDeg);
        Assert.Equal(-119.8138, o.CenterLongitudeDeg);
        Assert.InRange(o.ResidentialKmh, 30, 40);
        Assert.InRange(o.ArterialKmh, 50, 60);
        Assert.InRange(o.HighwayKmh, 90, 110);
        Assert.True(o.Tunnels);
        Assert.True(o.DeadZones);
    }

    [Fact]
    public void Init_OutOfRange_ThrowsNamingTheProperty()
    {
        Assert.Equal("RadiusM", Assert.Throws<ArgumentOutOfRangeException>(() => new RouteOptions { RadiusM = 10 }).ParamName);
        Assert.Equal("CenterLatitudeDeg", Assert.Throws<ArgumentOutOfRangeException>(() => new RouteOptions { CenterLatitudeDeg = 89 }).ParamName);
        Assert.Equal("PositionErrorM", Assert.Throws<ArgumentOutOfRangeException>(() => new RouteOptions { PositionErrorM = double.NaN }).ParamName);
        Assert.Equal("BrakingMps2", Assert.Throws<ArgumentOutOfRangeException>(() => new RouteOptions { BrakingMps2 = 4 }).ParamName);
        Assert.Equal("TunnelDuration", Assert.Throws<ArgumentOutOfRangeException>(() => new RouteOptions { TunnelDuration = new SecondsRange(0, 0) }).ParamName);
    }

    [Fact]
    public void With_ValidatesToo()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RouteOptions.Default with { StreetSpacingM = 5000 });
        RouteOptions changed = RouteOptions.Default with { StreetSpacingM = 150, Seed = 7 };
        Assert.Equal(150, changed.StreetSpacingM);
        Assert.Equal(200, RouteOptions.Default.StreetSpacingM);
    }

    [Fact]
    public void SecondsRange_WithMinAboveMaxOrNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SecondsRange(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SecondsRange(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SecondsRange(0, double.PositiveInfinity));
        Assert.Equal(30, new SecondsRange(10, 50).Mean);
    }
}
