namespace Tracker.Simulation.Gnss;

/// <summary>
/// What a receiver reports for one epoch, before it is printed as NMEA (<see cref="NmeaWriter"/>).
/// Without a fix only <see cref="Satellites"/> counts; every other field is printed empty.
/// </summary>
/// <param name="HasFix">True when the receiver has a position.</param>
/// <param name="LatitudeDeg">Latitude, degrees, north positive.</param>
/// <param name="LongitudeDeg">Longitude, degrees, east positive.</param>
/// <param name="AltitudeM">Altitude above mean sea level, metres, or NaN when unknown.</param>
/// <param name="SpeedMps">Speed over ground, m/s (at least 0), or NaN when unknown.</param>
/// <param name="CourseDeg">Course over ground, degrees true, 0 to 360, or NaN when unknown (no motion yet).</param>
/// <param name="Hdop">Horizontal dilution of precision, or NaN when unknown.</param>
/// <param name="Satellites">Satellites used in the solution, 0 to 99.</param>
public readonly record struct GnssObservation(
    bool HasFix,
    double LatitudeDeg,
    double LongitudeDeg,
    double AltitudeM,
    double SpeedMps,
    double CourseDeg,
    double Hdop,
    int Satellites)
{
    /// <summary>An epoch without a fix: the receiver runs, prints its time, and has no position.</summary>
    /// <param name="satellites">Satellites it still tracks (used in no solution), 0 to 99.</param>
    /// <returns>The observation.</returns>
    public static GnssObservation NoFix(int satellites) =>
        new(false, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, satellites);
}
