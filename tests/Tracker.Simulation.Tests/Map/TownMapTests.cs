using System.Text.Json;
using Tracker.Simulation.Map;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Map;

/// <summary>The generated town as the web app draws it: named streets, valid GeoJSON, and the cars on them.</summary>
public sealed class TownMapTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Map = new(() => JsonDocument.Parse(TownMap.ToGeoJson(Drives.Town)));

    [Fact]
    public void EveryRoad_HasAName_ThatSaysWhichWayItRuns()
    {
        RoadNetwork town = Drives.Town;

        Assert.All(town.Edges, e => Assert.False(string.IsNullOrWhiteSpace(e.Name)));
        foreach (RoadEdge e in town.Edges.Where(e => e.Class != RoadClass.Highway && !e.Name.Contains("Exit", StringComparison.Ordinal)))
        {
            double dx = Math.Abs(e.EastM(e.PointCount - 1) - e.EastM(0)), dy = Math.Abs(e.NorthM(e.PointCount - 1) - e.NorthM(0));
            if (e.Name.EndsWith(" Avenue", StringComparison.Ordinal))
            {
                Assert.True(dx > dy, e.Name + " should run east-west");
            }
            else
            {
                Assert.True(dy > dx, e.Name + " should run north-south");
            }
        }

        Assert.Contains(town.Edges, e => e.Name == "Ring Highway");
        Assert.Contains(town.Edges, e => e.Name == "Ring Highway Exit 1");
        Assert.Contains(town.Edges, e => System.Text.RegularExpressions.Regex.IsMatch(e.Name, @"^\d+(st|nd|rd|th) Avenue$"));
        Assert.InRange(town.Edges.Select(e => e.Name).Distinct().Count(), 90, 200);
    }

    [Fact]
    public void Names_DependOnTheGridAlone_SoTheSameSeedGivesTheSameStreets_AndNamingDrewNoRandomNumber()
    {
        RoadNetwork again = RoadNetwork.Generate(RouteOptions.Default);

        Assert.Equal(Drives.Town.Edges.Select(e => e.Name), again.Edges.Select(e => e.Name));
        Assert.Equal(Drives.Town.Edges.Select(e => e.LengthM), again.Edges.Select(e => e.LengthM));
    }

    [Fact]
    public void GeoJson_IsAFeatureCollection_WithTheAreaAndOneFeaturePerStreet_CoveringEveryBlock()
    {
        JsonElement root = Map.Value.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        JsonElement[] features = [.. root.GetProperty("features").EnumerateArray()];
        Assert.Equal("area", features[0].GetProperty("properties").GetProperty("kind").GetString());
        Assert.Equal("Polygon", features[0].GetProperty("geometry").GetProperty("type").GetString());

        JsonElement[] streets = [.. features.Skip(1)];
        Assert.All(streets, s => Assert.Equal("MultiLineString", s.GetProperty("geometry").GetProperty("type").GetString()));
        Assert.Equal(Drives.Town.Edges.Select(e => e.Name).Distinct().Count(), streets.Length);
        Assert.Equal(Drives.Town.Edges.Count, streets.Sum(s => s.GetProperty("geometry").GetProperty("coordinates").GetArrayLength()));
        Assert.Equal(
            ["arterial", "highway", "ramp", "residential"],
            streets.Select(s => s.GetProperty("properties").GetProperty("class").GetString()).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GeoJson_Coordinates_AreLongitudeLatitude_InsideTheBox_AndLabelsReadUpright()
    {
        JsonElement root = Map.Value.RootElement;
        double[] box = [.. root.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble())];
        Assert.True(box[0] < -119.8 && box[2] > -119.8 && box[1] < 39.53 && box[3] > 39.53, "the box holds Reno: " + string.Join(", ", box));
        int labels = 0;
        foreach (JsonElement street in root.GetProperty("features").EnumerateArray().Skip(1))
        {
            foreach (JsonElement line in street.GetProperty("geometry").GetProperty("coordinates").EnumerateArray())
            {
                Assert.True(line.GetArrayLength() >= 2);
                foreach (JsonElement p in line.EnumerateArray())
                {
                    Assert.InRange(p[0].GetDouble(), box[0], box[2]);
                    Assert.InRange(p[1].GetDouble(), box[1], box[3]);
                }
            }

            foreach (JsonElement label in street.GetProperty("properties").GetProperty("labels").EnumerateArray())
            {
                labels++;
                Assert.InRange(label[0].GetDouble(), box[0], box[2]);
                Assert.InRange(label[1].GetDouble(), box[1], box[3]);
                Assert.InRange(label[2].GetDouble(), -89.5, 90);
            }
        }

        Assert.InRange(labels, 300, 3000);
    }

    [Fact]
    public void EveryLongStreet_IsLabelled_AndItsLabelsAreSpacedOut()
    {
        foreach (IGrouping<string, RoadEdge> street in Drives.Town.Edges.GroupBy(e => e.Name))
        {
            var anchors = TownMap.LabelAnchors([.. street]).ToArray();
            if (street.Sum(e => e.LengthM) > 1000)
            {
                Assert.NotEmpty(anchors);
            }

            for (int i = 0; i < anchors.Length; i++)
            {
                for (int j = i + 1; j < anchors.Length; j++)
                {
                    double d = Math.Sqrt(Math.Pow(anchors[i].East - anchors[j].East, 2) + Math.Pow(anchors[i].North - anchors[j].North, 2));
                    Assert.True(d >= TownMap.LabelSpacingM, $"{street.Key}: two labels {d:0} m apart");
                }
            }
        }
    }

    [Fact]
    public void TheCars_DriveOnTheStreetsDrawn()
    {
        // The map is made from the polylines the drivers follow: a car's reported position (truth plus the receiver's
        // error) lies on a drawn street, up to the rounded corners (an arc within 3.5 m of its two blocks) and the error.
        var streets = Streets();
        var distances = new List<double>();
        for (int car = 1; car <= 3; car++)
        {
            foreach (RouteEpoch epoch in Drives.Drive(Drives.Town, car, 1800))
            {
                if (epoch.Gnss.HasFix && epoch.Truth.Phase == DrivePhase.Moving)
                {
                    distances.Add(Nearest(streets, ToMetres(epoch.Gnss.LongitudeDeg, epoch.Gnss.LatitudeDeg)));
                }
            }
        }

        distances.Sort();
        Assert.True(distances.Count > 1000, distances.Count + " moving fixes");
        double median = distances[distances.Count / 2], p99 = distances[(int)(distances.Count * 0.99)];
        output.WriteLine($"{distances.Count} moving fixes of 3 cars over 30 min: median {median:0.00} m, 99th percentile {p99:0.00} m, farthest {distances[^1]:0.00} m from the nearest street drawn; the map is {TownMap.ToGeoJson(Drives.Town).Length:N0} bytes");
        Assert.True(median < 3, $"median {median:0.0} m from the nearest street drawn");
        Assert.True(p99 < 10, $"99th percentile {p99:0.0} m from the nearest street drawn");
    }

    private static List<(double X0, double Y0, double X1, double Y1)> Streets()
    {
        var segments = new List<(double, double, double, double)>();
        foreach (JsonElement street in Map.Value.RootElement.GetProperty("features").EnumerateArray().Skip(1))
        {
            foreach (JsonElement line in street.GetProperty("geometry").GetProperty("coordinates").EnumerateArray())
            {
                (double X, double Y)[] points = [.. line.EnumerateArray().Select(p => ToMetres(p[0].GetDouble(), p[1].GetDouble()))];
                for (int i = 1; i < points.Length; i++)
                {
                    segments.Add((points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y));
                }
            }
        }

        return segments;
    }

    private static (double X, double Y) ToMetres(double lon, double lat)
    {
        const double MetresPerDegree = 111_320;
        return ((lon - RouteOptions.Default.CenterLongitudeDeg) * MetresPerDegree * Math.Cos(RouteOptions.Default.CenterLatitudeDeg * Math.PI / 180), (lat - RouteOptions.Default.CenterLatitudeDeg) * MetresPerDegree);
    }

    private static double Nearest(List<(double X0, double Y0, double X1, double Y1)> segments, (double X, double Y) p)
    {
        double best = double.MaxValue;
        foreach ((double x0, double y0, double x1, double y1) in segments)
        {
            double dx = x1 - x0, dy = y1 - y0, length2 = (dx * dx) + (dy * dy);
            double t = length2 == 0 ? 0 : Math.Clamp((((p.X - x0) * dx) + ((p.Y - y0) * dy)) / length2, 0, 1);
            double ex = x0 + (t * dx) - p.X, ey = y0 + (t * dy) - p.Y;
            best = Math.Min(best, (ex * ex) + (ey * ey));
        }

        return Math.Sqrt(best);
    }
}
