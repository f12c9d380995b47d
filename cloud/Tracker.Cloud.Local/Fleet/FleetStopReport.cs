namespace Tracker.Cloud.Local.Fleet;

/// <summary>What a clean stop of the simulated fleet left behind.</summary>
/// <param name="PendingFixes">Fixes still in the cars' flash logs (they go out on the next run).</param>
/// <param name="CarsInDeadZones">Cars that were out of coverage with fixes in their logs (not waited for).</param>
/// <param name="FixesInDeadZones">Of <paramref name="PendingFixes"/>, those held by cars out of coverage.</param>
/// <param name="DrainMs">How long the drain took.</param>
/// <param name="HoldersByState">The cars still holding fixes, counted by uplink state ("3 Connected, 2 Backoff (dead zone)"); empty when none.</param>
public sealed record FleetStopReport(long PendingFixes, int CarsInDeadZones, long FixesInDeadZones, long DrainMs, string HoldersByState);
