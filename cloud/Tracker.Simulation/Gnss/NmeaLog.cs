using System.Text;
using Tracker.Core.Nmea;

namespace Tracker.Simulation.Gnss;

/// <summary>
/// An NMEA log cut into epochs for replay (<see cref="NmeaLogGnss"/>): every line, good or bad, in
/// order; each epoch's offset from the first, from the log's own times; and which fields of each
/// good line carry the time and the date, so a replay can rewrite them. Immutable once parsed, so
/// one parsed log can feed any number of cars.
/// </summary>
/// <remarks>
/// <para>The log is cut by the firmware's one capture splitter (<see cref="NmeaCaptureSplitter"/>,
/// which the bench tool's replay uses too): its lines, which of them are sentences the device takes
/// ("good": <c>$</c>, printable ASCII, a correct <c>*hh</c> checksum), their times (RMC, GGA, GNS,
/// ZDA, GST, GBS, GRS field 1; GLL field 5) and where epochs start. Only good lines are ever
/// changed; anything else (binary, truncated lines, bad checksums, <c>!</c> AIS sentences) is kept
/// byte for byte, so the firmware meets it as it would on a real UART and counts it.</para>
/// <para>An epoch starts at each good line whose time differs from the epoch in progress; lines
/// without a time belong to the epoch in progress, and lines before the first timed one to the
/// first epoch. A log with no timed line has no epochs and replays nothing. Parsing never throws on
/// content.</para>
/// </remarks>
public sealed class NmeaLog
{
    /// <summary>Gaps in the log longer than this (or going backwards) are replayed as one ordinary epoch spacing.</summary>
    public const long MaxGapMs = 3_600_000;

    private const int MsPerDay = 86_400_000;

    private NmeaLog(Line[][] epochs, long[] offsets, long spacing, int goodLines, int badLines, int firstSubsecondMs)
    {
        Epochs = epochs;
        Offsets = offsets;
        SpacingMs = spacing;
        GoodLines = goodLines;
        BadLines = badLines;
        FirstSubsecondMs = firstSubsecondMs;
        DurationMs = offsets.Length == 0 ? 0 : offsets[^1] + spacing;
    }

    /// <summary>Epochs found.</summary>
    public int EpochCount => Offsets.Length;

    /// <summary>The usual spacing of epochs (the median gap, ms); one loop of the log ends this long after its last epoch.</summary>
    public long SpacingMs { get; }

    /// <summary>One loop of the log, ms: from its first epoch to one spacing after its last.</summary>
    public long DurationMs { get; }

    /// <summary>Lines with a correct checksum (rewritten on replay when they carry a time or date).</summary>
    public int GoodLines { get; }

    /// <summary>Other lines (passed through unchanged).</summary>
    public int BadLines { get; }

    internal Line[][] Epochs { get; }

    internal long[] Offsets { get; }

    internal int FirstSubsecondMs { get; }

    /// <summary>Reads and parses a log file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The parsed log.</returns>
    public static NmeaLog Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses a log's bytes; never throws on their content.</summary>
    /// <param name="bytes">The log.</param>
    /// <returns>The parsed log.</returns>
    public static NmeaLog Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var epochs = new List<List<Line>>();
        var times = new List<int>();
        var before = new List<Line>();
        var splitter = new NmeaCaptureSplitter();
        int good = 0, bad = 0, position = 0;
        bool ended = false;
        while (!ended || splitter.HasLine)
        {
            if (position < bytes.Length)
            {
                position += splitter.Push(bytes, position, bytes.Length - position);
            }
            else if (!ended)
            {
                splitter.EndOfInput(); // a last line without its ending
                ended = true;
            }
            else
            {
                break;
            }

            if (!splitter.HasLine)
            {
                continue;
            }

            Line line = Line.From(splitter);
            if (line.Good)
            {
                good++;
            }
            else
            {
                bad++;
            }

            if (splitter.StartsEpoch)
            {
                epochs.Add(times.Count == 0 ? [.. before, line] : [line]);
                times.Add(line.TimeMs);
            }
            else if (times.Count == 0)
            {
                before.Add(line);
            }
            else
            {
                epochs[^1].Add(line);
            }
        }

        long spacing = Spacing(times);
        var offsets = new long[times.Count];
        for (int i = 1; i < times.Count; i++)
        {
            long delta = Delta(times[i - 1], times[i]);
            offsets[i] = offsets[i - 1] + (delta <= 0 || delta > MaxGapMs ? spacing : delta);
        }

        return new NmeaLog(
            epochs.Select(e => e.ToArray()).ToArray(), offsets, spacing, good, bad, times.Count == 0 ? 0 : times[0] % 1000);
    }

    // The time of day moved on by `to - from`, across midnight when it wrapped.
    private static long Delta(int from, int to)
    {
        long d = to - from;
        return d < -(MsPerDay / 2) ? d + MsPerDay : d;
    }

    private static long Spacing(List<int> times)
    {
        var gaps = new List<long>();
        for (int i = 1; i < times.Count; i++)
        {
            long d = Delta(times[i - 1], times[i]);
            if (d > 0 && d <= 60_000)
            {
                gaps.Add(d);
            }
        }

        if (gaps.Count == 0)
        {
            return 1000;
        }

        gaps.Sort();
        return gaps[gaps.Count / 2];
    }

    /// <summary>One line of the log and where its time and date fields are.</summary>
    internal sealed class Line
    {
        private Line(byte[] content, byte[] ending, bool good, string[]? fields, int timeField, int timeMs, int fractionDigits, int dateKind)
        {
            Content = content;
            Ending = ending;
            Good = good;
            Fields = fields;
            TimeField = timeField;
            TimeMs = timeMs;
            FractionDigits = fractionDigits;
            DateKind = dateKind;
        }

        /// <summary>The line without its ending.</summary>
        public byte[] Content { get; }

        /// <summary>CRLF, LF, CR, LFCR, or nothing at the end of the file.</summary>
        public byte[] Ending { get; }

        public bool Good { get; }

        /// <summary>Fields of a good line between <c>$</c> and <c>*</c> (field 0 is the address).</summary>
        public string[]? Fields { get; }

        public int TimeField { get; }

        /// <summary>Time of day in ms, or -1 when the line carries none.</summary>
        public int TimeMs { get; }

        /// <summary>Digits after the point of the time field; -1 when it has no point.</summary>
        public int FractionDigits { get; }

        /// <summary>0 none, 1 RMC (field 9 ddmmyy), 2 ZDA (fields 2-4 dd, mm, yyyy).</summary>
        public int DateKind { get; }

        /// <summary>The splitter's current line, with the fields a replay rewrites.</summary>
        public static Line From(NmeaCaptureSplitter splitter)
        {
            byte[] content = splitter.Line[..splitter.ContentLength];
            byte[] ending = splitter.Line[splitter.ContentLength..splitter.LineLength];
            if (!splitter.IsSentence)
            {
                return new Line(content, ending, false, null, -1, -1, 0, 0);
            }

            string[] fields = Encoding.ASCII.GetString(content, 1, splitter.PayloadEnd - 1).Split(',');
            string address = fields[0];
            string type = address.Length == 5 && address[0] != 'P' ? address[2..] : string.Empty;
            int dateKind = type switch
            {
                "RMC" when fields.Length > 9 && fields[9].Length > 0 => 1,
                "ZDA" when fields.Length > 4 => 2,
                _ => 0,
            };
            int timeField = splitter.TimeField;
            int fraction = 0;
            if (timeField >= 0)
            {
                // The log's own format, kept on replay: no point, a bare point, or that many digits.
                string time = fields[timeField];
                fraction = time.Length > 6 ? time.Length - 7 : -1;
            }

            return new Line(content, ending, true, fields, timeField, splitter.TimeOfDayMs, fraction, dateKind);
        }
    }
}
