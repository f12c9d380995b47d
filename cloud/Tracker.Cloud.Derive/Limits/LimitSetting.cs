namespace Tracker.Cloud.Derive.Limits;

/// <summary>
/// Thresholds set for the fleet, a car or a rental (issue 16): the overspeed threshold and the offline limits with the
/// ignition on and off. A value left null falls through to the less specific setting, then to the host's configuration.
/// </summary>
/// <param name="Scope">What it applies to.</param>
/// <param name="Id">The car id or rental id; empty for the fleet.</param>
/// <param name="OverspeedMmps">The overspeed threshold, mm/s.</param>
/// <param name="OfflineAfterIgnitionOnMs">Offline after this long without a message, ignition on, ms.</param>
/// <param name="OfflineAfterIgnitionOffMs">Offline after this long without a message, ignition off, ms.</param>
public sealed record LimitSetting(LimitScope Scope, string Id, int? OverspeedMmps, long? OfflineAfterIgnitionOnMs, long? OfflineAfterIgnitionOffMs)
{
    /// <summary>The key a store keeps it under: <c>fleet</c>, <c>car:{id}</c> or <c>rental:{id}</c>.</summary>
    public string Key => Scope switch
    {
        LimitScope.Car => "car:" + Id,
        LimitScope.Rental => "rental:" + Id,
        _ => "fleet",
    };

    /// <summary>True when it sets nothing (a PUT of such a setting removes it).</summary>
    public bool IsEmpty => OverspeedMmps is null && OfflineAfterIgnitionOnMs is null && OfflineAfterIgnitionOffMs is null;
}
