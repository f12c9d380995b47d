namespace Tracker.Simulation.Routes;

/// <summary>
/// Flat east/north metres around a centre, and back to WGS-84 degrees. Uses the ellipsoid's
/// meridional and prime-vertical radii of curvature at the centre (a = 6,378,137 m,
/// e² = 0.00669437999014, NIMA TR8350.2 §3), which keeps a 30 km town within centimetres of
/// the true geodesic distances the firmware and the cloud measure.
/// </summary>
internal sealed class LocalFrame
{
    private const double SemiMajorM = 6378137.0;
    private const double EccentricitySquared = 0.00669437999014;

    private readonly double _lat0;
    private readonly double _lon0;
    private readonly double _metresPerDegLat;
    private readonly double _metresPerDegLon;

    public LocalFrame(double centerLatitudeDeg, double centerLongitudeDeg)
    {
        _lat0 = centerLatitudeDeg;
        _lon0 = centerLongitudeDeg;
        double phi = centerLatitudeDeg * Math.PI / 180;
        double w = 1 - (EccentricitySquared * Math.Sin(phi) * Math.Sin(phi));
        double meridional = SemiMajorM * (1 - EccentricitySquared) / (w * Math.Sqrt(w));
        double primeVertical = SemiMajorM / Math.Sqrt(w);
        _metresPerDegLat = meridional * Math.PI / 180;
        _metresPerDegLon = primeVertical * Math.Cos(phi) * Math.PI / 180;
    }

    public double Latitude(double northM) => _lat0 + (northM / _metresPerDegLat);

    public double Longitude(double eastM)
    {
        double lon = _lon0 + (eastM / _metresPerDegLon);
        return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    }

    public double NorthM(double latitudeDeg) => (latitudeDeg - _lat0) * _metresPerDegLat;

    public double EastM(double longitudeDeg)
    {
        double d = longitudeDeg - _lon0;
        d = d > 180 ? d - 360 : d < -180 ? d + 360 : d;
        return d * _metresPerDegLon;
    }
}
