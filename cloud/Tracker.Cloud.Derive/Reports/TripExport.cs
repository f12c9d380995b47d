using System.Globalization;
using System.Text;
using System.Xml;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Reports.Places;

namespace Tracker.Cloud.Derive.Reports;

/// <summary>
/// Exports of trips in formats real tools open: CSV (RFC 4180: CRLF, fields quoted when they hold a comma, quote or
/// line break, quotes doubled, one header line), GPX 1.1 (a track per trip, a point per fix with its time) and KML 2.2
/// (a placemark per trip with its line). Numbers and times are culture-invariant; times are UTC ISO-8601. Trip ends
/// and stops carry their place (<see cref="IPlaceLabeller"/>: a street, or the coordinates). A whole period is written
/// page by page as the store yields it, up to a ceiling of characters (<see cref="PeriodExport"/>).
/// </summary>
public static class TripExport
{
    /// <summary>The CSV media type (RFC 4180, with its header parameter).</summary>
    public const string CsvMediaType = "text/csv; charset=utf-8; header=present";

    /// <summary>The GPX media type.</summary>
    public const string GpxMediaType = "application/gpx+xml";

    /// <summary>The KML media type.</summary>
    public const string KmlMediaType = "application/vnd.google-earth.kml+xml";

    /// <summary>GPX 1.1's namespace.</summary>
    public const string GpxNamespace = "http://www.topografix.com/GPX/1/1";

    /// <summary>OGC KML 2.2's namespace.</summary>
    public const string KmlNamespace = "http://www.opengis.net/kml/2.2";

    private static readonly string[] TripHeader =
        ["car", "start", "end", "start_lat", "start_lon", "end_lat", "end_lon", "start_place", "end_place", "distance_km", "estimated_km", "duration_s", "max_speed_kmh", "avg_speed_kmh", "start_odometer_km"];

    private static readonly string[] StopHeader = ["car", "start", "end", "lat", "lon", "place", "duration_s", "idle_s"];

    /// <summary>A table of trips as CSV.</summary>
    /// <param name="trips">The trips.</param>
    /// <param name="places">Names trip ends; coordinates when null.</param>
    /// <returns>The CSV text.</returns>
    public static string Csv(IEnumerable<Trip> trips, IPlaceLabeller? places = null)
    {
        ArgumentNullException.ThrowIfNull(trips);
        var csv = new StringBuilder();
        Row(csv, TripHeader);
        foreach (Trip t in trips)
        {
            TripRow(csv, t, places ?? CoordinateLabeller.Instance);
        }

        return csv.ToString();
    }

    /// <summary>A table of stops as CSV.</summary>
    /// <param name="stops">The stops.</param>
    /// <param name="places">Names the stops; coordinates when null.</param>
    /// <returns>The CSV text.</returns>
    public static string Csv(IEnumerable<Stop> stops, IPlaceLabeller? places = null)
    {
        ArgumentNullException.ThrowIfNull(stops);
        var csv = new StringBuilder();
        Row(csv, StopHeader);
        foreach (Stop s in stops)
        {
            StopRow(csv, s, places ?? CoordinateLabeller.Instance);
        }

        return csv.ToString();
    }

    /// <summary>Trips with their fixes as GPX 1.1: one track per trip, one segment, one point per fix.</summary>
    /// <param name="tracks">The trips and fixes.</param>
    /// <param name="places">Names trip ends; coordinates when null.</param>
    /// <returns>The GPX document.</returns>
    public static string Gpx(IEnumerable<TripTrack> tracks, IPlaceLabeller? places = null)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var text = new StringBuilder();
        using (XmlWriter w = Writer(text))
        {
            GpxBegin(w);
            foreach (TripTrack track in tracks)
            {
                GpxTrack(w, track, places ?? CoordinateLabeller.Instance);
            }

            End(w);
        }

        return text.ToString();
    }

    /// <summary>Trips with their fixes as KML 2.2: a placemark per trip with a line string (lon,lat).</summary>
    /// <param name="tracks">The trips and fixes.</param>
    /// <param name="places">Names trip ends; coordinates when null.</param>
    /// <returns>The KML document.</returns>
    public static string Kml(IEnumerable<TripTrack> tracks, IPlaceLabeller? places = null)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var text = new StringBuilder();
        using (XmlWriter w = Writer(text))
        {
            KmlBegin(w);
            foreach (TripTrack track in tracks)
            {
                KmlPlacemark(w, track, places ?? CoordinateLabeller.Instance);
            }

            End(w);
        }

        return text.ToString();
    }

    /// <summary>A whole period's trips as CSV, read as they come, stopping once the text passes <paramref name="maxChars"/>.</summary>
    /// <param name="trips">The trips, oldest first (the store is paged underneath).</param>
    /// <param name="places">Names trip ends.</param>
    /// <param name="maxChars">The ceiling.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The export, or how far it got before the ceiling.</returns>
    public static Task<PeriodExport> CsvAsync(IAsyncEnumerable<Trip> trips, IPlaceLabeller places, int maxChars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(places);
        var csv = new StringBuilder();
        return BoundedAsync(trips, csv, maxChars, () => Row(csv, TripHeader), t => TripRow(csv, t, places), () => { }, cancellationToken);
    }

    /// <summary>A whole period's stops as CSV, read as they come, stopping once the text passes <paramref name="maxChars"/>.</summary>
    /// <param name="stops">The stops, oldest first.</param>
    /// <param name="places">Names the stops.</param>
    /// <param name="maxChars">The ceiling.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The export, or how far it got before the ceiling.</returns>
    public static Task<PeriodExport> CsvAsync(IAsyncEnumerable<Stop> stops, IPlaceLabeller places, int maxChars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(places);
        var csv = new StringBuilder();
        return BoundedAsync(stops, csv, maxChars, () => Row(csv, StopHeader), s => StopRow(csv, s, places), () => { }, cancellationToken);
    }

    /// <summary>A whole period's tracks as GPX 1.1, read as they come, stopping once the text passes <paramref name="maxChars"/>.</summary>
    /// <param name="tracks">The trips with their fixes, oldest first.</param>
    /// <param name="places">Names trip ends.</param>
    /// <param name="maxChars">The ceiling.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The export, or how far it got before the ceiling.</returns>
    public static async Task<PeriodExport> GpxAsync(IAsyncEnumerable<TripTrack> tracks, IPlaceLabeller places, int maxChars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(places);
        var text = new StringBuilder();
        using XmlWriter w = Writer(text);
        return await BoundedAsync(tracks, text, maxChars, () => GpxBegin(w), t => { GpxTrack(w, t, places); w.Flush(); }, () => End(w), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A whole period's tracks as KML 2.2, read as they come, stopping once the text passes <paramref name="maxChars"/>.</summary>
    /// <param name="tracks">The trips with their fixes, oldest first.</param>
    /// <param name="places">Names trip ends.</param>
    /// <param name="maxChars">The ceiling.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The export, or how far it got before the ceiling.</returns>
    public static async Task<PeriodExport> KmlAsync(IAsyncEnumerable<TripTrack> tracks, IPlaceLabeller places, int maxChars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(places);
        var text = new StringBuilder();
        using XmlWriter w = Writer(text);
        return await BoundedAsync(tracks, text, maxChars, () => KmlBegin(w), t => { KmlPlacemark(w, t, places); w.Flush(); }, () => End(w), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PeriodExport> BoundedAsync<T>(IAsyncEnumerable<T> items, StringBuilder text, int maxChars, Action begin, Action<T> add, Action end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        begin();
        int count = 0;
        await foreach (T item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            add(item);
            count++;
            if (text.Length > maxChars)
            {
                // Stop reading: the rest of the period is never fetched, so memory and store reads stay bounded.
                return new PeriodExport(null, count, TooLarge: true);
            }
        }

        end();
        return text.Length > maxChars ? new PeriodExport(null, count, TooLarge: true) : new PeriodExport(text.ToString(), count, TooLarge: false);
    }

    private static void TripRow(StringBuilder csv, Trip t, IPlaceLabeller places) =>
        Row(
            csv,
            t.CarId,
            Time(t.StartTs),
            Time(t.EndTs),
            Degrees(t.StartLatE7),
            Degrees(t.StartLonE7),
            Degrees(t.EndLatE7),
            Degrees(t.EndLonE7),
            places.Label(t.StartLatE7, t.StartLonE7),
            places.Label(t.EndLatE7, t.EndLonE7),
            Number(t.DistanceM / 1000, "0.000"),
            Number(t.EstimatedM / 1000, "0.000"),
            Number(t.DurationMs / 1000.0, "0"),
            Number(t.MaxSpeedMmps * 0.0036, "0.0"),
            Number(t.AvgSpeedMmps * 0.0036, "0.0"),
            Number(t.StartOdometerM / 1000, "0.0"));

    private static void StopRow(StringBuilder csv, Stop s, IPlaceLabeller places) =>
        Row(
            csv,
            s.CarId,
            Time(s.StartTs),
            s.EndTs is { } end ? Time(end) : string.Empty,
            Degrees(s.LatE7),
            Degrees(s.LonE7),
            places.Label(s.LatE7, s.LonE7),
            s.DurationMs is { } d ? Number(d / 1000.0, "0") : string.Empty,
            Number(s.IdleMs / 1000.0, "0"));

    private static void GpxBegin(XmlWriter w)
    {
        w.WriteStartDocument();
        w.WriteStartElement("gpx", GpxNamespace);
        w.WriteAttributeString("version", "1.1");
        w.WriteAttributeString("creator", "iCar tracker");
    }

    private static void GpxTrack(XmlWriter w, TripTrack track, IPlaceLabeller places)
    {
        // trkType's sequence (GPX 1.1): name, cmt, desc, src, link*, number, type, extensions, trkseg*.
        w.WriteStartElement("trk", GpxNamespace);
        w.WriteElementString("name", GpxNamespace, Name(track.Trip));
        w.WriteElementString("desc", GpxNamespace, Description(track.Trip, places));
        w.WriteStartElement("trkseg", GpxNamespace);
        foreach (StoredFix f in track.Fixes)
        {
            // wptType's sequence: ele, then time.
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

    private static void KmlBegin(XmlWriter w)
    {
        w.WriteStartDocument();
        w.WriteStartElement("kml", KmlNamespace);
        w.WriteStartElement("Document", KmlNamespace);
        w.WriteElementString("name", KmlNamespace, "Trips");
    }

    private static void KmlPlacemark(XmlWriter w, TripTrack track, IPlaceLabeller places)
    {
        // PlacemarkType's sequence (OGC KML 2.2): name, description, then TimePrimitive, then Geometry.
        w.WriteStartElement("Placemark", KmlNamespace);
        w.WriteElementString("name", KmlNamespace, Name(track.Trip));
        w.WriteElementString("description", KmlNamespace, Description(track.Trip, places));
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

    private static void End(XmlWriter w)
    {
        w.WriteEndDocument();
        w.Flush();
    }

    private static string Name(Trip t) => t.CarId + " " + Time(t.StartTs);

    private static string Description(Trip t, IPlaceLabeller places) =>
        "From " + places.Label(t.StartLatE7, t.StartLonE7) + " to " + places.Label(t.EndLatE7, t.EndLonE7) + ": "
        + Number(t.DistanceM / 1000, "0.000") + " km" + (t.Estimated ? " (" + Number(t.EstimatedM / 1000, "0.000") + " km estimated over gaps)" : string.Empty)
        + ", " + Number(t.DurationMs / 60_000.0, "0.0") + " min, max " + Number(t.MaxSpeedMmps * 0.0036, "0") + " km/h";

    private static XmlWriter Writer(StringBuilder text) =>
        XmlWriter.Create(new Utf8StringWriter(text), new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, CloseOutput = true });

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

/// <summary>A whole period's export, or where it stopped.</summary>
/// <param name="Text">The document; null when it passed the ceiling.</param>
/// <param name="Items">Rows (or tracks) written; when too large, those written before it stopped.</param>
/// <param name="TooLarge">True when the period holds more than the ceiling allows.</param>
public sealed record PeriodExport(string? Text, int Items, bool TooLarge);
