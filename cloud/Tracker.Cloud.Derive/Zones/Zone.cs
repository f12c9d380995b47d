namespace Tracker.Cloud.Derive.Zones;

/// <summary>
/// A geofence: a circle (<see cref="Center"/> and <see cref="RadiusM"/>) or a polygon (<see cref="Vertices"/>),
/// never both. <see cref="ZoneValidator"/> says whether one is acceptable.
/// </summary>
public sealed record Zone
{
    /// <summary>The zone's id (1 to 64 characters of letters, digits, '-' and '_').</summary>
    public required string Id { get; init; }

    /// <summary>A name for people (1 to 100 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Fleet or rental.</summary>
    public ZoneScope Scope { get; init; } = ZoneScope.Fleet;

    /// <summary>For <see cref="ZoneScope.Rental"/>: the rental (<see cref="RentalIds.Of"/>) it belongs to.</summary>
    public string? RentalId { get; init; }

    /// <summary>True when a rental car may be returned here (a fleet zone: a depot).</summary>
    public bool IsReturnZone { get; init; }

    /// <summary>The circle's centre, or null for a polygon.</summary>
    public GeoPoint? Center { get; init; }

    /// <summary>The circle's radius in metres.</summary>
    public int RadiusM { get; init; }

    /// <summary>The polygon's vertices in order, not closed (the last joins the first), or empty for a circle.</summary>
    public IReadOnlyList<GeoPoint> Vertices { get; init; } = [];

    /// <summary>True for a circle.</summary>
    public bool IsCircle => Center is not null;
}
