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
}
