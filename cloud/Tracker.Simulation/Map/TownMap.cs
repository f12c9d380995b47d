using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Simulation.Routes;

namespace Tracker.Simulation.Map;

/// <summary>
/// The generated town as a map for the web app: a GeoJSON FeatureCollection (RFC 7946) in WGS-84 longitude, latitude,
/// made from the very polylines the drivers follow, so a car's fixes lie on the streets drawn (within the receiver's
/// error). One feature for the town's area, then one per named street (<c>MultiLineString</c> of its blocks), with
/// its class (residential, arterial, ramp, highway) and label anchors: points along it, at least <see cref="LabelSpacingM"/> apart, each with the angle
/// at which the name reads along the street.
/// </summary>
public static class TownMap
{
    /// <summary>Least distance between two labels of one street, metres.</summary>
    public const double LabelSpacingM = 600;

    // Blocks shorter than this carry no label (the name would not fit between two crossings at street zoom).
    private const double ShortestLabelledM = 120;

    // 1e-6 degree is about 0.11 m: far below the receiver's error, and it keeps the file small.
    private const string CoordinateFormat = "0.######";

    /// <summary>Writes the map of <paramref name="town"/> as GeoJSON (UTF-8).</summary>
    /// <param name="town">The town.</param>
    /// <returns>The GeoJSON bytes.</returns>
    public static byte[] ToGeoJson(RoadNetwork town)
    {
        ArgumentNullException.ThrowIfNull(town);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            RouteOptions o = town.Options;
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteString("name", "Generated town, seed " + o.Seed.ToString(CultureInfo.InvariantCulture));
            json.WriteStartArray("center");
            WritePoint(json, o.CenterLongitudeDeg, o.CenterLatitudeDeg);
            json.WriteEndArray();
            // RFC 7946 §5: west, south, east, north of everything below (the area is the widest feature).
            double reach = Math.Max(AreaRadiusM(town), town.Edges.Max(e => Enumerable.Range(0, e.PointCount).Max(p => Math.Max(Math.Abs(e.EastM(p)), Math.Abs(e.NorthM(p))))));
            json.WriteStartArray("bbox");
            json.WriteRawValue(Number(town.Longitude(-reach)));
            json.WriteRawValue(Number(town.Latitude(-reach)));
            json.WriteRawValue(Number(town.Longitude(reach)));
            json.WriteRawValue(Number(town.Latitude(reach)));
            json.WriteEndArray();
            json.WriteStartArray("features");
            WriteArea(json, town);
            foreach (IGrouping<string, RoadEdge> street in town.Edges.GroupBy(e => e.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                WriteStreet(json, town, street.Key, [.. street]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteArea(Utf8JsonWriter json, RoadNetwork town)
    {
        double radius = AreaRadiusM(town);
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("properties");
        json.WriteString("kind", "area");
        json.WriteString("name", "Generated town, seed " + town.Options.Seed.ToString(CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteStartObject("geometry");
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        json.WriteStartArray();
        const int Points = 96;
        for (int i = 0; i <= Points; i++)
        {
            // Counterclockwise, as RFC 7946 §3.1.6 wants an exterior ring.
            double theta = 2 * Math.PI * (i % Points) / Points;
            json.WriteStartArray();
            WritePoint(json, town.Longitude(radius * Math.Cos(theta)), town.Latitude(radius * Math.Sin(theta)));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // The built-up area: the disc the grid was clipped to, a little wider so that the edge streets sit inside it.
    private static double AreaRadiusM(RoadNetwork town) => town.Options.RadiusM + 150;

    private static void WriteStreet(Utf8JsonWriter json, RoadNetwork town, string name, RoadEdge[] blocks)
    {
        RoadClass roadClass = blocks.Max(b => b.Class);
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("properties");
        json.WriteString("kind", "street");
        json.WriteString("name", name);
        // A ramp is an arterial by its speed limit; on the map it is drawn as one and named only close in.
        string drawnAs = roadClass switch
        {
            RoadClass.Highway => "highway",
            RoadClass.Arterial when name.StartsWith(StreetNames.RampPrefix, StringComparison.Ordinal) => "ramp",
            RoadClass.Arterial => "arterial",
            _ => "residential",
        };
        json.WriteString("class", drawnAs);
        json.WriteStartArray("labels");
        foreach ((double east, double north, double angle) in LabelAnchors(blocks))
        {
            json.WriteStartArray();
            WritePoint(json, town.Longitude(east), town.Latitude(north));
            json.WriteRawValue(angle.ToString("0", CultureInfo.InvariantCulture));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("geometry");
        json.WriteString("type", "MultiLineString");
        json.WriteStartArray("coordinates");
        foreach (RoadEdge block in blocks)
        {
            json.WriteStartArray();
            for (int p = 0; p < block.PointCount; p++)
            {
                json.WriteStartArray();
                WritePoint(json, town.Longitude(block.EastM(p)), town.Latitude(block.NorthM(p)));
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// Where a street's name goes: the middle of its longer blocks, walked along the street (by its main direction,
    /// or round the centre for the ring), keeping each at least <see cref="LabelSpacingM"/> from the one before.
    /// The angle is clockwise on screen from reading left to right, kept within ±90° so the text is never upside down.
    /// </summary>
    internal static IEnumerable<(double East, double North, double Angle)> LabelAnchors(IReadOnlyList<RoadEdge> blocks)
    {
        var candidates = new List<(double East, double North, double Angle, double Along)>();
        double spanEast = blocks.Max(b => Math.Max(b.EastM(0), b.EastM(b.PointCount - 1))) - blocks.Min(b => Math.Min(b.EastM(0), b.EastM(b.PointCount - 1)));
        double spanNorth = blocks.Max(b => Math.Max(b.NorthM(0), b.NorthM(b.PointCount - 1))) - blocks.Min(b => Math.Min(b.NorthM(0), b.NorthM(b.PointCount - 1)));
        bool ring = blocks.Count > 1 && blocks.All(b => b.Class == RoadClass.Highway);
        foreach (RoadEdge block in blocks)
        {
            if (block.LengthM < ShortestLabelledM)
            {
                continue;
            }

            (double east, double north, double dx, double dy) = Middle(block);
            double angle = Math.Round(-Math.Atan2(dy, dx) * 180 / Math.PI);
            angle = angle > 90 ? angle - 180 : angle <= -90 ? angle + 180 : angle;
            double along = ring ? Math.Atan2(east, north) * 5000 : spanEast >= spanNorth ? east : north;
            candidates.Add((east, north, angle, along));
        }

        double last = double.NegativeInfinity;
        (double East, double North) previous = (double.NaN, double.NaN);
        foreach ((double east, double north, double angle, double along) in candidates.OrderBy(c => c.Along))
        {
            bool farEnough = double.IsNaN(previous.East) || Math.Sqrt(Square(east - previous.East) + Square(north - previous.North)) >= LabelSpacingM;
            if (along - last >= LabelSpacingM / 2 && farEnough)
            {
                last = along;
                previous = (east, north);
                yield return (east, north, angle);
            }
        }
    }

    /// <summary>The point halfway along a block's polyline and the direction of the segment it lies on.</summary>
    private static (double East, double North, double Dx, double Dy) Middle(RoadEdge block)
    {
        double half = block.LengthM / 2, walked = 0;
        for (int p = 1; p < block.PointCount; p++)
        {
            double dx = block.EastM(p) - block.EastM(p - 1), dy = block.NorthM(p) - block.NorthM(p - 1);
            double length = Math.Sqrt((dx * dx) + (dy * dy));
            if (walked + length >= half && length > 0)
            {
                double t = (half - walked) / length;
                return (block.EastM(p - 1) + (t * dx), block.NorthM(p - 1) + (t * dy), dx, dy);
            }

            walked += length;
        }

        int last = block.PointCount - 1;
        return (block.EastM(last), block.NorthM(last), block.EastM(last) - block.EastM(0), block.NorthM(last) - block.NorthM(0));
    }

    private static void WritePoint(Utf8JsonWriter json, double longitude, double latitude)
    {
        json.WriteRawValue(Number(longitude));
        json.WriteRawValue(Number(latitude));
    }

    private static string Number(double value) => value.ToString(CoordinateFormat, CultureInfo.InvariantCulture);

    private static double Square(double x) => x * x;
}
