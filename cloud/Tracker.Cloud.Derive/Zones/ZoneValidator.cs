namespace Tracker.Cloud.Derive.Zones;

/// <summary>
/// Whether a zone can be used, and if not, why (the API returns the reason): ids and names, coordinates in range,
/// a circle's radius, a polygon's vertex count, area and simplicity (no edge crosses another).
/// </summary>
public static class ZoneValidator
{
    /// <summary>The most vertices a polygon may have (the engine tests every fix against every edge).</summary>
    public const int MaxVertices = 500;

    /// <summary>The smallest circle, m: below GNSS accuracy a fence only flaps.</summary>
    public const int MinRadiusM = 20;

    /// <summary>The largest circle, m.</summary>
    public const int MaxRadiusM = 200_000;

    /// <summary>The longest id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The smallest polygon area, m², for the same reason as <see cref="MinRadiusM"/>.</summary>
    public const double MinAreaM2 = 400;

    /// <summary>The widest polygon, m: the local projection (<see cref="ZoneGeometry"/>) holds at this size.</summary>
    public const double MaxExtentM = 400_000;

    /// <summary>Checks a zone.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>Null when it is acceptable, else the first reason it is not.</returns>
    public static string? Problem(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrEmpty(zone.Id) || zone.Id.Length > MaxIdLength || !zone.Id.All(IsIdChar))
        {
            return "id must be 1 to " + MaxIdLength + " characters of letters, digits, '-' and '_'";
        }

        if (string.IsNullOrWhiteSpace(zone.Name) || zone.Name.Length > MaxNameLength || zone.Name.Any(char.IsControl))
        {
            return "name must be 1 to " + MaxNameLength + " printable characters";
        }

        if (zone.Scope == ZoneScope.Rental && string.IsNullOrEmpty(zone.RentalId))
        {
            return "a rental zone must name its rental";
        }

        if (zone.Scope == ZoneScope.Fleet && zone.RentalId is not null)
        {
            return "a fleet zone has no rental";
        }

        if (zone.Scope == ZoneScope.Rental && zone.IsReturnZone)
        {
            return "return zones are fleet zones";
        }

        if (zone.Center is { } center)
        {
            if (zone.Vertices.Count > 0)
            {
                return "a zone is a circle or a polygon, not both";
            }

            return PointProblem(center, "centre")
                ?? (zone.RadiusM < MinRadiusM || zone.RadiusM > MaxRadiusM
                    ? "radius must be " + MinRadiusM + " to " + MaxRadiusM + " m"
                    : null);
        }

        return PolygonProblem(zone.Vertices);
    }

    private static string? PolygonProblem(IReadOnlyList<GeoPoint> vertices)
    {
        if (vertices.Count < 3)
        {
            return "a polygon needs at least 3 vertices (or give a centre and radius for a circle)";
        }

        if (vertices.Count > MaxVertices)
        {
            return "a polygon may have at most " + MaxVertices + " vertices, not " + vertices.Count;
        }

        for (int i = 0; i < vertices.Count; i++)
        {
            if (PointProblem(vertices[i], "vertex " + i) is { } problem)
            {
                return problem;
            }
        }

        GeoPoint origin = vertices[0];
        double cosLat = Math.Cos(origin.LatE7 / 1e7 * Math.PI / 180.0);
        var local = vertices.Select(v => ZoneGeometry.Local(v, origin.LatE7, origin.LonE7, cosLat)).ToArray();
        double minX = local.Min(p => p.X), maxX = local.Max(p => p.X), minY = local.Min(p => p.Y), maxY = local.Max(p => p.Y);
        if (maxX - minX > MaxExtentM || maxY - minY > MaxExtentM)
        {
            return "a polygon may span at most " + (MaxExtentM / 1000) + " km";
        }

        int n = local.Length;
        for (int i = 0; i < n; i++)
        {
            if (local[i] == local[(i + 1) % n])
            {
                return "vertices " + i + " and " + ((i + 1) % n) + " are the same point";
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                // Adjacent edges share a vertex; only edges that share none may not touch.
                if (j == i + 1 || (i == 0 && j == n - 1))
                {
                    continue;
                }

                if (SegmentsTouch(local[i], local[(i + 1) % n], local[j], local[(j + 1) % n]))
                {
                    return "the polygon crosses itself (edge " + i + " meets edge " + j + ")";
                }
            }
        }

        double twiceArea = 0;
        for (int i = 0; i < n; i++)
        {
            twiceArea += (local[i].X * local[(i + 1) % n].Y) - (local[(i + 1) % n].X * local[i].Y);
        }

        return Math.Abs(twiceArea) / 2 < MinAreaM2 ? "the polygon's area is under " + MinAreaM2 + " m²" : null;
    }

    private static string? PointProblem(GeoPoint p, string what) =>
        p.LatE7 < -900_000_000 || p.LatE7 > 900_000_000 ? what + ": latitude must be -90 to 90 degrees"
        : p.LonE7 < -1_800_000_000 || p.LonE7 > 1_800_000_000 ? what + ": longitude must be -180 to 180 degrees"
        : null;

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static bool SegmentsTouch((double X, double Y) a, (double X, double Y) b, (double X, double Y) c, (double X, double Y) d)
    {
        double d1 = Cross(c, d, a), d2 = Cross(c, d, b), d3 = Cross(a, b, c), d4 = Cross(a, b, d);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        {
            return true;
        }

        return (d1 == 0 && OnSegment(c, d, a)) || (d2 == 0 && OnSegment(c, d, b))
            || (d3 == 0 && OnSegment(a, b, c)) || (d4 == 0 && OnSegment(a, b, d));
    }

    private static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
        ((a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (b.X - o.X));

    private static bool OnSegment((double X, double Y) a, (double X, double Y) b, (double X, double Y) p) =>
        Math.Min(a.X, b.X) <= p.X && p.X <= Math.Max(a.X, b.X) && Math.Min(a.Y, b.Y) <= p.Y && p.Y <= Math.Max(a.Y, b.Y);
}
