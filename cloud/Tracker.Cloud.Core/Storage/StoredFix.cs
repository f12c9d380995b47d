namespace Tracker.Cloud.Core.Storage;

/// <summary>
/// One fix as the cloud keeps it: the firmware's integers (1e-7 degrees, cm, mm/s, 0.01 degree,
/// HDOP x100) with "unknown" as null, plus what ingest added (a derived speed, the moving flag). Keyed on
/// (<see cref="CarId"/>, <see cref="Ts"/>). No odometer: a fix's distance driven is the Derive stage's (issue 17), where
/// late data revises it; ingest, which sees a backlog after the fixes that follow it, cannot.
/// </summary>
/// <param name="CarId">The car (the AWS IoT thing name).</param>
/// <param name="Ts">UTC epoch milliseconds of the fix.</param>
/// <param name="LatE7">Latitude in 1e-7 degrees.</param>
/// <param name="LonE7">Longitude in 1e-7 degrees.</param>
/// <param name="AltCm">Altitude MSL in cm, or null.</param>
/// <param name="SpeedMmps">Speed in mm/s, or null (ingest may derive it: see <see cref="SpeedDerived"/>).</param>
/// <param name="CourseCdeg">Course in 0.01 degree, or null.</param>
/// <param name="HdopX100">HDOP x100, or null.</param>
/// <param name="Satellites">Satellites used, or null.</param>
/// <param name="Mode">2 or 3.</param>
/// <param name="Quality">GGA quality numbering, 1 to 8.</param>
/// <param name="SpeedDerived">True when the speed was computed from distance and time at ingest.</param>
/// <param name="Moving">Moving (true) or stopped (false) at this fix.</param>
/// <param name="ReceivedMs">UTC epoch milliseconds when ingest accepted it.</param>
public sealed record StoredFix(
    string CarId,
    long Ts,
    int LatE7,
    int LonE7,
    int? AltCm,
    int? SpeedMmps,
    int? CourseCdeg,
    int? HdopX100,
    int? Satellites,
    byte Mode,
    byte Quality,
    bool SpeedDerived,
    bool Moving,
    long ReceivedMs);
