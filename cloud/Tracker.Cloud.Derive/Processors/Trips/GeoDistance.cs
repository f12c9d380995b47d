namespace Tracker.Cloud.Derive.Processors.Trips;

/// <summary>Great-circle distance on the mean-radius sphere (haversine), in double: the cloud is not the device.</summary>
public static class GeoDistance
{
    private const double EarthRadiusM = 6_371_008.8;
    private const double Rad = Math.PI / 180.0 / 1e7;

    /// <summary>Metres between two positions in 1e-7 degree.</summary>
    /// <param name="latE7A">Latitude of one.</param>
    /// <param name="lonE7A">Longitude of one.</param>
    /// <param name="latE7B">Latitude of the other.</param>
    /// <param name="lonE7B">Longitude of the other.</param>
    /// <returns>Metres.</returns>
    public static double Metres(int latE7A, int lonE7A, int latE7B, int lonE7B)
    {
        double la = latE7A * Rad;
        double lb = latE7B * Rad;
        double dLat = lb - la;
        double dLon = ((long)lonE7B - lonE7A) * Rad;
        double h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(la) * Math.Cos(lb) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusM * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>The initial great-circle bearing from one position to another, degrees clockwise from true north, 0 to 360.</summary>
    /// <param name="latE7A">Latitude of the start.</param>
    /// <param name="lonE7A">Longitude of the start.</param>
    /// <param name="latE7B">Latitude of the end.</param>
    /// <param name="lonE7B">Longitude of the end.</param>
    /// <returns>Degrees; 0 when the two are the same place.</returns>
    public static double BearingDeg(int latE7A, int lonE7A, int latE7B, int lonE7B)
    {
        double la = latE7A * Rad;
        double lb = latE7B * Rad;
        double dLon = ((long)lonE7B - lonE7A) * Rad;
        double y = Math.Sin(dLon) * Math.Cos(lb);
        double x = (Math.Cos(la) * Math.Sin(lb)) - (Math.Sin(la) * Math.Cos(lb) * Math.Cos(dLon));
        double deg = Math.Atan2(y, x) * 180.0 / Math.PI;
        return deg < 0 ? deg + 360 : deg;
    }
}
