using System.Text.Json;

namespace Tracker.Cloud.Derive.Reports.Places;

/// <summary>
/// Labels a position with the town's street nearest it, as the web app's car view does (<c>streets.js</c>,
/// <c>nearestStreet</c>): the nearest street within <see cref="ReachM"/>, and "A at B" when a second street is within
/// <see cref="CrossingM"/> (the car is at a crossing). Farther from every street, or at a position that is not on the
/// globe, the label is the coordinates. The streets come from the very GeoJSON the local host serves the browser
/// (<c>/map/town.geojson</c>, Tracker.Simulation's <c>TownMap</c>), so the server and the map can never disagree on
/// the town. Lookups go through a grid of <see cref="CellM"/> cells, each holding the segments within reach of it.
/// </summary>
public sealed class StreetLabeller : IPlaceLabeller
{
    /// <summary>Farthest a street may be from the position and still name it, metres (as <c>streets.js</c>).</summary>
    public const double ReachM = 60;

    /// <summary>Farthest the second street may be for "A at B", metres (as <c>streets.js</c>).</summary>
    public const double CrossingM = 25;

    /// <summary>The grid's cell, metres.</summary>
    private const double CellM = 100;

    /// <summary>Metres per degree of latitude, and of longitude at the equator (the same constants as <c>streets.js</c>).</summary>
    private const double MetresPerDegreeLat = 110540, MetresPerDegreeLon = 111320;

    private readonly Segment[] _segments;
    private readonly Dictionary<long, int[]> _cells;
    private readonly double _lat0, _lon0, _mx0;

    private StreetLabeller(Segment[] segments, Dictionary<long, int[]> cells, double lat0, double lon0, double mx0)
    {
        _segments = segments;
        _cells = cells;
        _lat0 = lat0;
        _lon0 = lon0;
        _mx0 = mx0;
    }

    /// <summary>How many named streets the labeller knows.</summary>
    public int Streets { get; private init; }

    /// <summary>
    /// Reads the town's GeoJSON (a FeatureCollection whose features with <c>properties.kind == "street"</c> carry a
    /// <c>name</c> and a <c>MultiLineString</c> of [longitude, latitude] points). Malformed features, lines and points are
    /// left out, never thrown.
    /// </summary>
    /// <param name="geoJson">The file's bytes (UTF-8).</param>
    /// <returns>The labeller, or null when the bytes hold no usable street.</returns>
    public static StreetLabeller? FromGeoJson(ReadOnlyMemory<byte> geoJson)
    {
        List<Segment> segments = [];
        Dictionary<string, int> names = new(StringComparer.Ordinal);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(geoJson, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("features", out JsonElement features) || features.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (JsonElement f in features.EnumerateArray())
            {
                if (f.ValueKind != JsonValueKind.Object
                    || !f.TryGetProperty("properties", out JsonElement p) || p.ValueKind != JsonValueKind.Object
                    || !p.TryGetProperty("kind", out JsonElement kind) || kind.ValueKind != JsonValueKind.String || !kind.ValueEquals("street")
                    || !p.TryGetProperty("name", out JsonElement nameElement) || nameElement.ValueKind != JsonValueKind.String
                    || !f.TryGetProperty("geometry", out JsonElement g) || g.ValueKind != JsonValueKind.Object
                    || !g.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("MultiLineString")
                    || !g.TryGetProperty("coordinates", out JsonElement lines) || lines.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                string? name = Text(nameElement);
                if (name is null || name.Length == 0 || name.Length > 200)
                {
                    continue;
                }

                foreach (JsonElement line in lines.EnumerateArray())
                {
                    if (line.ValueKind != JsonValueKind.Array)
                    {
                        continue;
                    }

                    // A line with a bad point is left out whole, as streets.js does: half a line would draw a street that is not there.
                    List<(double Lon, double Lat)> points = [];
                    bool good = line.GetArrayLength() >= 2;
                    foreach (JsonElement point in line.EnumerateArray())
                    {
                        if (!good || !TryPoint(point, out double lon, out double lat))
                        {
                            good = false;
                            break;
                        }

                        points.Add((lon, lat));
                    }

                    if (!good)
                    {
                        continue;
                    }

                    // A name's order of first appearance breaks exact ties (a car on a crossing) as streets.js's Map does.
                    int order = names.TryGetValue(name, out int seen) ? seen : names[name] = names.Count;
                    for (int i = 1; i < points.Count; i++)
                    {
                        segments.Add(new Segment(name, order, points[i - 1].Lon, points[i - 1].Lat, points[i].Lon, points[i].Lat));
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (segments.Count == 0)
        {
            return null;
        }

        // The grid's projection: metres east and north of the streets' middle, at its latitude (a town is small enough
        // for one scale; the margin below covers the difference from the scale at the point itself).
        double lat0 = (segments.Min(s => Math.Min(s.ALat, s.BLat)) + segments.Max(s => Math.Max(s.ALat, s.BLat))) / 2;
        double lon0 = (segments.Min(s => Math.Min(s.ALon, s.BLon)) + segments.Max(s => Math.Max(s.ALon, s.BLon))) / 2;
        double mx0 = MetresPerDegreeLon * Math.Cos(lat0 * Math.PI / 180);
        const double Margin = ReachM * 1.25;
        Dictionary<long, List<int>> cells = [];
        for (int i = 0; i < segments.Count; i++)
        {
            Segment s = segments[i];
            double ax = (s.ALon - lon0) * mx0, ay = (s.ALat - lat0) * MetresPerDegreeLat;
            double bx = (s.BLon - lon0) * mx0, by = (s.BLat - lat0) * MetresPerDegreeLat;
            long x0 = Cell(Math.Min(ax, bx) - Margin), x1 = Cell(Math.Max(ax, bx) + Margin);
            long y0 = Cell(Math.Min(ay, by) - Margin), y1 = Cell(Math.Max(ay, by) + Margin);
            if (x1 - x0 > 1000 || y1 - y0 > 1000)
            {
                // A segment over 100 km long is no street of a town: leave it out rather than fill the grid.
                continue;
            }

            for (long x = x0; x <= x1; x++)
            {
                for (long y = y0; y <= y1; y++)
                {
                    long key = Key(x, y);
                    if (!cells.TryGetValue(key, out List<int>? list))
                    {
                        cells[key] = list = [];
                    }

                    list.Add(i);
                }
            }
        }

        return cells.Count == 0
            ? null
            : new StreetLabeller([.. segments], cells.ToDictionary(c => c.Key, c => c.Value.ToArray()), lat0, lon0, mx0) { Streets = segments.Select(x => x.Name).Distinct(StringComparer.Ordinal).Count() };
    }

    /// <inheritdoc/>
    public string Label(int latE7, int lonE7) => Street(latE7, lonE7) ?? CoordinateLabeller.Format(latE7, lonE7);

    /// <summary>The street at a position, or null when none is within <see cref="ReachM"/> (or the position is not on the globe).</summary>
    /// <param name="latE7">Latitude, 1e-7 degrees.</param>
    /// <param name="lonE7">Longitude, 1e-7 degrees.</param>
    /// <returns>"Elm Street", "Elm Street at 14th Avenue", or null.</returns>
    public string? Street(int latE7, int lonE7)
    {
        double lat = latE7 / 1e7, lon = lonE7 / 1e7;
        if (Math.Abs(lat) > 90 || Math.Abs(lon) > 180)
        {
            return null;
        }

        double gx = (lon - _lon0) * _mx0, gy = (lat - _lat0) * MetresPerDegreeLat;
        if (Math.Abs(gx) > 1e9 || Math.Abs(gy) > 1e9 || !_cells.TryGetValue(Key(Cell(gx), Cell(gy)), out int[]? candidates))
        {
            return null;
        }

        // The same flat-earth metres as streets.js, at the point's own latitude, so both name the same street.
        double mx = MetresPerDegreeLon * Math.Cos(lat * Math.PI / 180);
        const double My = MetresPerDegreeLat;
        Dictionary<string, (double D, int Order)> byName = new(StringComparer.Ordinal);
        foreach (int i in candidates)
        {
            Segment s = _segments[i];
            double ax = (s.ALon - lon) * mx, ay = (s.ALat - lat) * My;
            double bx = (s.BLon - lon) * mx, by = (s.BLat - lat) * My;
            double dx = bx - ax, dy = by - ay;
            double len2 = (dx * dx) + (dy * dy);
            double t = len2 == 0 ? 0 : Math.Clamp(-((ax * dx) + (ay * dy)) / len2, 0, 1);
            double d = Math.Sqrt(Square(ax + (t * dx)) + Square(ay + (t * dy)));
            if (d <= ReachM && (!byName.TryGetValue(s.Name, out (double D, int Order) known) || d < known.D))
            {
                byName[s.Name] = (d, s.Order);
            }
        }

        var near = byName.OrderBy(n => n.Value.D).ThenBy(n => n.Value.Order).Take(2).ToArray();
        return near.Length == 0 ? null : near.Length > 1 && near[1].Value.D <= CrossingM ? near[0].Key + " at " + near[1].Key : near[0].Key;
    }

    private static bool TryPoint(JsonElement point, out double lon, out double lat)
    {
        lon = lat = double.NaN;
        return point.ValueKind == JsonValueKind.Array && point.GetArrayLength() >= 2
            && point[0].ValueKind == JsonValueKind.Number && point[0].TryGetDouble(out lon)
            && point[1].ValueKind == JsonValueKind.Number && point[1].TryGetDouble(out lat)
            && double.IsFinite(lon) && double.IsFinite(lat) && Math.Abs(lon) <= 180 && Math.Abs(lat) <= 90;
    }

    // A string with invalid UTF-8 in it is no name (System.Text.Json throws on decoding it): that street is left out.
    private static string? Text(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static long Cell(double metres) => (long)Math.Floor(metres / CellM);

    private static long Key(long x, long y) => (x << 32) ^ (y & 0xFFFF_FFFF);

    private static double Square(double x) => x * x;

    private sealed record Segment(string Name, int Order, double ALon, double ALat, double BLon, double BLat);
}
