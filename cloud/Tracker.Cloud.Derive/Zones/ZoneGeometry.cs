using Tracker.Core.Common;

namespace Tracker.Cloud.Derive.Zones;

/// <summary>
/// Where a point is against a zone's boundary, in metres: negative inside, positive outside. Circles use the
/// firmware's integer distance (<see cref="GeoMath.DistanceCm"/>); polygons are projected onto a local plane
/// around the point (equirectangular: for zones of up to some tens of km the error is far below GNSS noise).
/// </summary>
public static class ZoneGeometry
{
    /// <summary>Metres per degree of latitude (WGS-84 mean radius 6,371,008.8 m).</summary>
    public const double MetresPerDegree = 6_371_008.8 * Math.PI / 180.0;

    /// <summary>The signed distance from the zone's boundary: negative inside, positive outside.</summary>
    /// <param name="zone">A valid zone.</param>
    /// <param name="latE7">The point's latitude.</param>
    /// <param name="lonE7">The point's longitude.</param>
    /// <returns>Metres.</returns>
    public static double SignedDistanceM(Zone zone, int latE7, int lonE7)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (zone.Center is { } c)
        {
            return (GeoMath.DistanceCm(c.LatE7, c.LonE7, latE7, lonE7) / 100.0) - zone.RadiusM;
        }

        return SignedDistanceToPolygonM(zone.Vertices, latE7, lonE7);
    }

    /// <summary>The polygon case of <see cref="SignedDistanceM"/>.</summary>
    /// <param name="vertices">At least three vertices.</param>
    /// <param name="latE7">The point's latitude.</param>
    /// <param name="lonE7">The point's longitude.</param>
    /// <returns>Metres.</returns>
    public static double SignedDistanceToPolygonM(IReadOnlyList<GeoPoint> vertices, int latE7, int lonE7)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        int n = vertices.Count;
        if (n < 3)
        {
            throw new ArgumentException("a polygon needs at least three vertices", nameof(vertices));
        }

        double cosLat = Math.Cos(latE7 / 1e7 * Math.PI / 180.0);
        bool inside = false;
        double best = double.MaxValue;
        (double X, double Y) previous = Local(vertices[n - 1], latE7, lonE7, cosLat);
        for (int i = 0; i < n; i++)
        {
            (double X, double Y) current = Local(vertices[i], latE7, lonE7, cosLat);

            // Ray casting along +x from the origin (the point).
            if ((current.Y > 0) != (previous.Y > 0)
                && 0 < ((previous.X - current.X) * (0 - current.Y) / (previous.Y - current.Y)) + current.X)
            {
                inside = !inside;
            }

            best = Math.Min(best, DistanceToSegment(previous, current));
            previous = current;
        }

        return inside ? -best : best;
    }

    /// <summary>A vertex in metres east (X) and north (Y) of the point.</summary>
    internal static (double X, double Y) Local(GeoPoint p, int originLatE7, int originLonE7, double cosLat)
    {
        // Longitude difference taken the short way round, so a zone across the antimeridian works.
        long dLon = (long)p.LonE7 - originLonE7;
        if (dLon > 1_800_000_000L)
        {
            dLon -= 3_600_000_000L;
        }
        else if (dLon < -1_800_000_000L)
        {
            dLon += 3_600_000_000L;
        }

        return (dLon / 1e7 * MetresPerDegree * cosLat, ((long)p.LatE7 - originLatE7) / 1e7 * MetresPerDegree);
    }

    private static double DistanceToSegment((double X, double Y) a, (double X, double Y) b)
    {
        double dx = b.X - a.X;
        double dy = b.Y - a.Y;
        double lengthSquared = (dx * dx) + (dy * dy);
        double t = lengthSquared == 0 ? 0 : Math.Clamp(((-a.X * dx) + (-a.Y * dy)) / lengthSquared, 0, 1);
        double x = a.X + (t * dx);
        double y = a.Y + (t * dy);
        return Math.Sqrt((x * x) + (y * y));
    }
}
