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
        List<List<string>> records = Parse(csv);
        Assert.Equal(2, records.Count);
        Assert.Equal(records[0].Count, records[1].Count);
        Assert.Equal(Odd.CarId, records[1][0]);
        Assert.Equal("1.235", records[1][records[0].IndexOf("distance_km")]);
    }

    // RFC 4180, section 2: records end in CRLF; a field in quotes may hold commas, CRLF and doubled quotes.
    private static List<List<string>> Parse(string text)
    {
        List<List<string>> records = [];
        List<string> record = [];
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                Assert.Equal(0, field.Length);
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                Assert.NotEqual('\n', c);
                field.Append(c);
            }
        }

        Assert.False(quoted);
        Assert.Empty(record);
        return records;
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
