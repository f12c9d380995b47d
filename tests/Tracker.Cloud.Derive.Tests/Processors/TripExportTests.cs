using System.Globalization;
using System.Xml.Linq;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports;

namespace Tracker.Cloud.Derive.Tests.Processors;

/// <summary>The exports' escaping: what a field holds never breaks the format.</summary>
public sealed class TripExportTests
{
    private static readonly Trip Odd = new() { CarId = "car \"7\", north\r\nyard <&>", StartTs = 0, EndTs = 60_000, DistanceM = 1234.5 };

    [Fact]
    public void Csv_QuotesFieldsWithCommasQuotesAndLineBreaks_AndAnRfc4180ReaderGetsThemBack()
    {
        string csv = TripExport.Csv([Odd]);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        List<List<string>> records = Tracker.Cloud.Testing.Rfc4180.Parse(csv);
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].Count, records[1].Count);
        Assert.Equal(Odd.CarId, records[1][0]);
        Assert.Equal("1.235", records[1][records[0].IndexOf("distance_km")]);
    }

    [Fact]
    public void GpxAndKml_EscapeText_AndParse()
    {
        foreach (string xml in new[] { TripExport.Gpx([new TripTrack(Odd, [])]), TripExport.Kml([new TripTrack(Odd, [])]) })
        {
            var doc = new System.Xml.XmlDocument();
            doc.LoadXml(xml);
            Assert.Contains("yard <&>", doc.DocumentElement!.InnerText, StringComparison.Ordinal);
        }
    }

    private static readonly Trip Drive = new() { CarId = "car-1", StartTs = 1_765_000_000_000, EndTs = 1_765_000_600_000, StartLatE7 = 395_000_000, StartLonE7 = -1_198_000_000, EndLatE7 = -895_000_000, EndLonE7 = 1_799_999_999, DistanceM = 5000, EstimatedM = 300 };

    private static readonly StoredFix[] Fixes =
    [
        new("car-1", 1_765_000_000_000, 395_000_000, -1_198_000_000, 123_456, 10_000, 0, 90, 9, 3, 1, false, true, 0),
        new("car-1", 1_765_000_300_000, -895_000_000, 1_799_999_999, null, 10_000, 0, 90, 9, 3, 1, false, true, 0),
    ];

    // What the GPX 1.1 schema (gpx.xsd) would check of what we write, checked here because no copy of the schema can be
    // fetched offline (README, reports): gpxType needs version 1.1 and creator; trkType's children come in the order
    // name, cmt, desc, src, link, number, type, extensions, trkseg; wptType's ele before time; lat is a decimal in
    // -90..90, lon in -180..180 (lon 180 excluded); ele a decimal; time an xsd:dateTime.
    [Fact]
    public void Gpx_KeepsGpx11sOrderAndTypes()
    {
        XNamespace g = TripExport.GpxNamespace;
        XElement gpx = XDocument.Parse(TripExport.Gpx([new TripTrack(Drive, Fixes), new TripTrack(Odd, [])])).Root!;
        Assert.Equal(g + "gpx", gpx.Name);
        Assert.Equal("1.1", gpx.Attribute("version")?.Value);
        Assert.False(string.IsNullOrEmpty(gpx.Attribute("creator")?.Value));
        string[] trkOrder = ["name", "cmt", "desc", "src", "link", "number", "type", "extensions", "trkseg"];
        foreach (XElement trk in gpx.Elements())
        {
            Assert.Equal(g + "trk", trk.Name);
            InOrder(trk, trkOrder, g);
            foreach (XElement pt in trk.Elements(g + "trkseg").Elements())
            {
                Assert.Equal(g + "trkpt", pt.Name);
                double lat = decimal.ToDouble(decimal.Parse(pt.Attribute("lat")!.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
                double lon = decimal.ToDouble(decimal.Parse(pt.Attribute("lon")!.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
                Assert.InRange(lat, -90, 90);
                Assert.True(lon >= -180 && lon < 180, "lon " + lon);
                InOrder(pt, ["ele", "magvar", "geoidheight", "name", "time"], g);
                Assert.Equal("1234.56", pt.Element(g + "ele")?.Value ?? "1234.56");
                Assert.True(DateTimeOffset.TryParseExact(pt.Element(g + "time")!.Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
            }
        }

        Assert.Equal(2, gpx.Descendants(g + "trkpt").Count());
    }

    // What OGC KML 2.2 (ogckml22.xsd) would check of what we write: kml holds one Feature (Document), whose name comes
    // before its Features; a Placemark's name, description, then the TimePrimitive, then the Geometry; TimeSpan's begin
    // before end, each an xsd:dateTime; LineString's tessellate before coordinates, which are lon,lat tuples.
    [Fact]
    public void Kml_KeepsOgcKml22sOrderAndTypes()
    {
        XNamespace k = TripExport.KmlNamespace;
        XElement kml = XDocument.Parse(TripExport.Kml([new TripTrack(Drive, Fixes)])).Root!;
        Assert.Equal(k + "kml", kml.Name);
        XElement document = Assert.Single(kml.Elements());
        Assert.Equal(k + "Document", document.Name);
        InOrder(document, ["name", "description", "Placemark"], k);
        XElement placemark = document.Element(k + "Placemark")!;
        InOrder(placemark, ["name", "description", "TimeSpan", "LineString"], k);
        InOrder(placemark.Element(k + "TimeSpan")!, ["begin", "end"], k);
        InOrder(placemark.Element(k + "LineString")!, ["extrude", "tessellate", "altitudeMode", "coordinates"], k);
        string[] tuples = placemark.Element(k + "LineString")!.Element(k + "coordinates")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["-119.8000000,39.5000000", "179.9999999,-89.5000000"], tuples);
    }

    private static void InOrder(XElement parent, string[] order, XNamespace ns)
    {
        int last = -1;
        foreach (XElement child in parent.Elements())
        {
            Assert.Equal(ns, child.Name.Namespace);
            int at = Array.IndexOf(order, child.Name.LocalName);
            Assert.True(at >= 0, parent.Name.LocalName + " may not hold " + child.Name.LocalName);
            Assert.True(at >= last, parent.Name.LocalName + ": " + child.Name.LocalName + " is out of the schema's order");
            last = at;
        }
    }
}
