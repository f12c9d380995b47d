namespace Tracker.Simulation.Routes;

/// <summary>Where the simulated car really is in an epoch, before any receiver error.</summary>
/// <param name="EastM">Metres east of the town centre.</param>
/// <param name="NorthM">Metres north of the town centre.</param>
/// <param name="LatitudeDeg">Latitude, degrees.</param>
/// <param name="LongitudeDeg">Longitude, degrees.</param>
/// <param name="AltitudeM">Altitude above mean sea level, metres.</param>
/// <param name="SpeedMps">Speed, m/s.</param>
/// <param name="HeadingDeg">Heading of travel, degrees true, 0 to 360.</param>
/// <param name="Phase">Moving, stopped in traffic, or parked.</param>
/// <param name="Road">The class of the road the car is on.</param>
/// <param name="SpeedLimitMps">The speed limit there, m/s.</param>
public readonly record struct DriveTruth(
    double EastM,
    double NorthM,
    double LatitudeDeg,
    double LongitudeDeg,
    double AltitudeM,
    double SpeedMps,
    double HeadingDeg,
    DrivePhase Phase,
    RoadClass Road,
    double SpeedLimitMps);
