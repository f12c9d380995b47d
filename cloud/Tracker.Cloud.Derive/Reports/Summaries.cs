namespace Tracker.Cloud.Derive.Reports;

/// <summary>One car's day (UTC): what its trips add up to (trips are counted on the day they start).</summary>
/// <param name="CarId">The car.</param>
/// <param name="Day">The UTC day, yyyy-MM-dd.</param>
/// <param name="DayStartMs">Its start, UTC epoch ms.</param>
/// <param name="Trips">Trips.</param>
/// <param name="DistanceM">Distance, m.</param>
/// <param name="EstimatedM">Of which bridged over gaps, m.</param>
/// <param name="DrivingMs">Time in trips, ms.</param>
/// <param name="MaxSpeedMmps">Highest speed, mm/s.</param>
/// <param name="IdleMs">Idle time, ms: the ignition on while the car stood, in the stops that start that day (0 when the car reports no ignition).</param>
public sealed record DaySummary(string CarId, string Day, long DayStartMs, int Trips, double DistanceM, double EstimatedM, long DrivingMs, int MaxSpeedMmps, long IdleMs = 0);

/// <summary>What a rental's bill is made from.</summary>
/// <param name="RentalId">The rental (<see cref="Zones.RentalIds"/>).</param>
/// <param name="CarId">The car.</param>
/// <param name="Renter">The renter.</param>
/// <param name="FromMs">The rental's start.</param>
/// <param name="ToMs">Its end.</param>
/// <param name="Trips">Trips that started inside it.</param>
/// <param name="DistanceM">Their distance, m.</param>
/// <param name="EstimatedM">Of which bridged, m.</param>
/// <param name="DrivingMs">Their duration, ms.</param>
/// <param name="MaxSpeedMmps">Their highest speed, mm/s.</param>
/// <param name="OverspeedEpisodes">Overspeed events inside it.</param>
/// <param name="OutsideZoneMs">Time outside the rental's own zones (exit to enter, or to the end), ms; null when it has none.</param>
/// <param name="StartOdometerM">The odometer at its start (the rental-started event), m, or null before it started.</param>
/// <param name="EndOdometerM">At its end, or null before it ended.</param>
/// <param name="StartLatE7">Where the car was at its start, or null.</param>
/// <param name="StartLonE7">Where.</param>
/// <param name="EndLatE7">Where the car was at its end, or null.</param>
/// <param name="EndLonE7">Where.</param>
public sealed record RentalSummary(
    string RentalId,
    string CarId,
    string Renter,
    long FromMs,
    long ToMs,
    int Trips,
    double DistanceM,
    double EstimatedM,
    long DrivingMs,
    int MaxSpeedMmps,
    int OverspeedEpisodes,
    long? OutsideZoneMs,
    long? StartOdometerM,
    long? EndOdometerM,
    int? StartLatE7,
    int? StartLonE7,
    int? EndLatE7,
    int? EndLonE7);
