using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Tests.Zones;

public sealed class ZoneValidatorTests
{
    private static readonly Zone Square = new()
    {
        Id = "yard",
        Name = "Yard",
        Vertices = [Drive.At(0, 0), Drive.At(100, 0), Drive.At(100, 100), Drive.At(0, 100)],
    };

    [Fact]
    public void ACircleAndASquare_AreAccepted()
    {
        Assert.Null(ZoneValidator.Problem(Square));
        Assert.Null(ZoneValidator.Problem(new Zone { Id = "c", Name = "C", Center = Drive.At(0, 0), RadiusM = 150 }));
    }

    public static TheoryData<string, Zone> Malformed => new()
    {
        { "crosses itself", Square with { Vertices = [Drive.At(0, 0), Drive.At(100, 100), Drive.At(100, 0), Drive.At(0, 100)] } },
        { "at least 3 vertices", Square with { Vertices = [Drive.At(0, 0), Drive.At(100, 0)] } },
        { "at most 500 vertices", Square with { Vertices = Enumerable.Range(0, 501).Select(i => Drive.At(1000 * Math.Cos(i * 2 * Math.PI / 501), 1000 * Math.Sin(i * 2 * Math.PI / 501))).ToArray() } },
        { "latitude must be -90 to 90", Square with { Vertices = [new GeoPoint(900_000_001, 0), Drive.At(100, 0), Drive.At(100, 100)] } },
        { "longitude must be -180 to 180", new Zone { Id = "c", Name = "C", Center = new GeoPoint(0, -1_800_000_001), RadiusM = 100 } },
        { "radius must be", new Zone { Id = "c", Name = "C", Center = Drive.At(0, 0), RadiusM = 5 } },
        { "radius must be", new Zone { Id = "c", Name = "C", Center = Drive.At(0, 0), RadiusM = 300_000 } },
        { "not both", Square with { Center = Drive.At(0, 0), RadiusM = 100 } },
        { "area is under", Square with { Vertices = [Drive.At(0, 0), Drive.At(10, 0), Drive.At(10, 10), Drive.At(0, 10)] } },
        { "same point", Square with { Vertices = [Drive.At(0, 0), Drive.At(0, 0), Drive.At(100, 100), Drive.At(0, 100)] } },
        { "id must be", Square with { Id = "a b" } },
        { "id must be", Square with { Id = string.Empty } },
        { "name must be", Square with { Name = " " } },
        { "name must be", Square with { Name = "bell\a" } },
        { "must name its rental", Square with { Scope = ZoneScope.Rental } },
        { "return zones are fleet zones", Square with { Scope = ZoneScope.Rental, RentalId = "car/r/1", IsReturnZone = true } },
        { "span at most", Square with { Vertices = [Drive.At(0, 0), Drive.At(500_000, 0), Drive.At(500_000, 100), Drive.At(0, 100)] } },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedZones_AreRefusedWithAReason(string reason, Zone zone)
    {
        Assert.Contains(reason, ZoneValidator.Problem(zone), StringComparison.Ordinal);
    }

    [Fact]
    public void SignedDistance_IsNegativeInsideAndPositiveOutside_ByTheDistanceToTheNearestEdge()
    {
        Assert.InRange(ZoneGeometry.SignedDistanceM(Square, Drive.At(50, 50).LatE7, Drive.At(50, 50).LonE7), -50.5, -49.5);
        Assert.InRange(ZoneGeometry.SignedDistanceM(Square, Drive.At(130, 50).LatE7, Drive.At(130, 50).LonE7), 29.5, 30.5);
        Assert.InRange(ZoneGeometry.SignedDistanceM(Square, Drive.At(103, 104).LatE7, Drive.At(103, 104).LonE7), 4.5, 5.5);
    }
}
