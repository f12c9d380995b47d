namespace Tracker.Cloud.Local.Fleet;

/// <summary>What the simulated fleet runs.</summary>
/// <param name="Cars">How many cars.</param>
/// <param name="FlashDirectory">Where each car's flash folder (its FixLog) lives; kept across runs, so a backlog survives a restart.</param>
/// <param name="ReplayPath">An NMEA log every car replays, or null for generated routes.</param>
/// <param name="Seed">The route generator's seed.</param>
/// <param name="LivePeriodMs">The cars' publish period while moving or watched.</param>
/// <param name="Policy">The cars' report policy.</param>
/// <param name="Town">The generated town the cars drive in (the one the web map draws); null when they replay a log.</param>
/// <param name="StartSpreadMs">Over how long the cars' first connections are spread; null for 10 ms a car, at most 10 s (0: all at once, a connect storm).</param>
/// <param name="FirstCar">The first car's number (CAR-0001 is 1): a load run's later fleets carry on where the earlier ones ended.</param>
/// <param name="ConnectConcurrency">
/// How many cars may be connecting at once, each on a connect thread of its own, so that the host's accept rate and not
/// the fleet's pace sets the storm; null for none of their own: the stepping threads (at most 8) connect their cars one
/// at a time, inline.
/// </param>
public sealed record FleetSettings(int Cars, string FlashDirectory, string? ReplayPath, int Seed, int LivePeriodMs, Tracker.Core.Reporting.ReportConfig Policy, Tracker.Simulation.Routes.RoadNetwork? Town = null, long? StartSpreadMs = null, int FirstCar = 1, int? ConnectConcurrency = null);
