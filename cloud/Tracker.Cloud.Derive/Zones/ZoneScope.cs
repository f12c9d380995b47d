namespace Tracker.Cloud.Derive.Zones;

/// <summary>Whose zone it is.</summary>
public enum ZoneScope
{
    /// <summary>The fleet's (a depot, a service area): it applies to every car, always.</summary>
    Fleet,

    /// <summary>A rental's (the area the renter may drive in): it applies to the rental's car during the rental, and leaving it is an alert.</summary>
    Rental,
}
