using System.Globalization;
using System.Text;
using System.Xml;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Derive.Reports;

/// <summary>
/// Exports of trips in formats real tools open: CSV (RFC 4180: CRLF, fields quoted when they hold a comma, quote or
/// line break, quotes doubled, one header line), GPX 1.1 (a track per trip, a point per fix with its time) and KML 2.2
/// (a placemark per trip with its line). Numbers and times are culture-invariant; times are UTC ISO-8601.
/// </summary>
public static class TripExport
{
    /// <summary>The CSV media type (RFC 4180, with its header parameter).</summary>
    public const string CsvMediaType = "text/csv; charset=utf-8; header=present";

    /// <summary>The GPX media type.</summary>
    public const string GpxMediaType = "application/gpx+xml";

    /// <summary>The KML media type.</summary>
    public const string KmlMediaType = "application/vnd.google-earth.kml+xml";

    private const string GpxNamespace = "http://www.topografix.com/GPX/1/1";
    private const string KmlNamespace = "http://www.opengis.net/kml/2.2";

    /// <summary>A table of trips as CSV.</summary>
    /// <param name="trips">The trips.</param>
    /// <returns>The CSV text.</returns>
    public static string Csv(IEnumerable<Trip> trips)
    {
        ArgumentNullException.ThrowIfNull(trips);
        var csv = new StringBuilder();
        Row(csv, "car", "start", "end", "start_lat", "start_lon", "end_lat", "end_lon", "distance_km", "estimated_km", "duration_s", "max_speed_kmh", "avg_speed_kmh", "start_odometer_km");
        foreach (Trip t in trips)
        {
            Row(
                csv,
                t.CarId,
                Time(t.StartTs),
                Time(t.EndTs),
                Degrees(t.StartLatE7),
                Degrees(t.StartLonE7),
                Degrees(t.EndLatE7),
                Degrees(t.EndLonE7),
                Number(t.DistanceM / 1000, "0.000"),
                Number(t.EstimatedM / 1000, "0.000"),
                Number(t.DurationMs / 1000.0, "0"),
                Number(t.MaxSpeedMmps * 0.0036, "0.0"),
                Number(t.AvgSpeedMmps * 0.0036, "0.0"),
                Number(t.StartOdometerM / 1000, "0.0"));
        }

        return csv.ToString();
    }

    /// <summary>A table of stops as CSV.</summary>
    /// <param name="stops">The stops.</param>
    /// <returns>The CSV text.</returns>
    public static string Csv(IEnumerable<Stop> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        var csv = new StringBuilder();
        Row(csv, "car", "start", "end", "lat", "lon", "duration_s", "idle_s");
        foreach (Stop s in stops)
        {
            Row(csv, s.CarId, Time(s.StartTs), s.EndTs is { } end ? Time(end) : string.Empty, Degrees(s.LatE7), Degrees(s.LonE7), s.DurationMs is { } d ? Number(d / 1000.0, "0") : string.Empty, Number(s.IdleMs / 1000.0, "0"));
        }

        return csv.ToString();
    }

    /// <summary>Trips with their fixes as GPX 1.1: one track per trip, one segment, one point per fix.</summary>
    /// <param name="tracks">The trips and fixes.</param>
    /// <returns>The GPX document.</returns>
    public static string Gpx(IEnumerable<TripTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        return Xml(w =>
        {
            w.WriteStartElement("gpx", GpxNamespace);
            w.WriteAttributeString("version", "1.1");
            w.WriteAttributeString("creator", "iCar tracker");
            foreach (TripTrack track in tracks)
            {
                w.WriteStartElement("trk", GpxNamespace);
                w.WriteElementString("name", GpxNamespace, Name(track.Trip));
                w.WriteElementString("desc", GpxNamespace, Description(track.Trip));
                w.WriteStartElement("trkseg", GpxNamespace);
                foreach (StoredFix f in track.Fixes)
                {
                    // wptType's sequence: ele, then time (GPX 1.1).
                    w.WriteStartElement("trkpt", GpxNamespace);
                    w.WriteAttributeString("lat", Degrees(f.LatE7));
                    w.WriteAttributeString("lon", Degrees(f.LonE7));
                    if (f.AltCm is { } alt)
                    {
                        w.WriteElementString("ele", GpxNamespace, Number(alt / 100.0, "0.00"));
                    }

                    w.WriteElementString("time", GpxNamespace, Time(f.Ts));
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
        });
    }

    /// <summary>Trips with their fixes as KML 2.2: a placemark per trip with a line string (lon,lat,alt).</summary>
    /// <param name="tracks">The trips and fixes.</param>
    /// <returns>The KML document.</returns>
    public static string Kml(IEnumerable<TripTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        return Xml(w =>
        {
            w.WriteStartElement("kml", KmlNamespace);
            w.WriteStartElement("Document", KmlNamespace);
            w.WriteElementString("name", KmlNamespace, "Trips");
            foreach (TripTrack track in tracks)
            {
                w.WriteStartElement("Placemark", KmlNamespace);
                w.WriteElementString("name", KmlNamespace, Name(track.Trip));
                w.WriteElementString("description", KmlNamespace, Description(track.Trip));
                w.WriteStartElement("TimeSpan", KmlNamespace);
                w.WriteElementString("begin", KmlNamespace, Time(track.Trip.StartTs));
                w.WriteElementString("end", KmlNamespace, Time(track.Trip.EndTs));
                w.WriteEndElement();
                w.WriteStartElement("LineString", KmlNamespace);
                w.WriteElementString("tessellate", KmlNamespace, "1");
                var coordinates = new StringBuilder();
                foreach (StoredFix f in track.Fixes)
                {
                    if (coordinates.Length > 0)
                    {
                        coordinates.Append(' ');
                    }

                    coordinates.Append(Degrees(f.LonE7)).Append(',').Append(Degrees(f.LatE7));
                }

                w.WriteElementString("coordinates", KmlNamespace, coordinates.ToString());
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    private static string Name(Trip t) => t.CarId + " " + Time(t.StartTs);

    private static string Description(Trip t) =>
        Number(t.DistanceM / 1000, "0.000") + " km" + (t.Estimated ? " (" + Number(t.EstimatedM / 1000, "0.000") + " km estimated over gaps)" : string.Empty)
        + ", " + Number(t.DurationMs / 60_000.0, "0.0") + " min, max " + Number(t.MaxSpeedMmps * 0.0036, "0") + " km/h";

    private static string Xml(Action<XmlWriter> write)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var stringWriter = new Utf8StringWriter(text))
        using (var w = XmlWriter.Create(stringWriter, settings))
        {
            w.WriteStartDocument();
            write(w);
            w.WriteEndDocument();
        }

        return text.ToString();
    }

    private static void Row(StringBuilder csv, params string[] fields)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            string f = fields[i];
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(f);
            }
        }

        csv.Append("\r\n");
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Degrees(int e7) => (e7 / 1e7).ToString("0.0000000", CultureInfo.InvariantCulture);

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
