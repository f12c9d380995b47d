namespace Tracker.Cloud.Derive.Engine;

/// <summary>Overspeed limits, mm/s: a rental's wins over its car's, which wins over the fleet's. None: no overspeed events.</summary>
public sealed record SpeedLimits
{
    /// <summary>No limits at all.</summary>
    public static SpeedLimits None { get; } = new();

    /// <summary>The fleet's limit, or null.</summary>
    public int? FleetMmps { get; init; }

    /// <summary>Limits by car id.</summary>
    public IReadOnlyDictionary<string, int> ByCar { get; init; } = new Dictionary<string, int>();

    /// <summary>Limits by rental id (<see cref="Zones.RentalIds.Of"/>).</summary>
    public IReadOnlyDictionary<string, int> ByRental { get; init; } = new Dictionary<string, int>();
}
