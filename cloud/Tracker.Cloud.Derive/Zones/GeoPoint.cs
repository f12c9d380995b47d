namespace Tracker.Cloud.Derive.Zones;

/// <summary>A point in the firmware's integers: 1e-7 degree.</summary>
/// <param name="LatE7">Latitude, -900,000,000 to 900,000,000.</param>
/// <param name="LonE7">Longitude, -1,800,000,000 to 1,800,000,000.</param>
public readonly record struct GeoPoint(int LatE7, int LonE7);
