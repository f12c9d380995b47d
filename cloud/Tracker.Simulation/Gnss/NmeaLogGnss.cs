using System.Text;

namespace Tracker.Simulation.Gnss;

/// <summary>
/// A receiver that replays an <see cref="NmeaLog"/> in real time, as if it were happening now: the
/// start epoch is printed at the first whole second at or after the start time (plus the log's own
/// sub-second phase), later epochs keep the log's spacing, and at the end the log starts again,
/// with time running on. Time and date fields of good lines are rewritten and their checksums
/// fixed; every other byte is replayed as it is. Always in coverage.
/// </summary>
public sealed class NmeaLogGnss : IGnssSource
{
    private readonly NmeaLog _log;
    private readonly long _baseUtcMs;
    private readonly int _startEpoch;
    private readonly StringBuilder _text = new();
    private byte[] _pending = new byte[1024];
    private int _pendingStart;
    private int _pendingEnd;
    private int _epoch;
    private long _loop;

    /// <summary>Starts replaying <paramref name="log"/>.</summary>
    /// <param name="log">The parsed log (shareable between cars).</param>
    /// <param name="startUtcMs">When the replay starts, UTC ms since 1970.</param>
    /// <param name="startOffsetMs">
    /// Where in the log to start, ms from its first epoch (taken modulo one loop): cars replaying
    /// one log with different offsets are spread along it. The first epoch at or after the offset
    /// is printed first.
    /// </param>
    public NmeaLogGnss(NmeaLog log, long startUtcMs, long startOffsetMs = 0)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffsetMs);
        _log = log;
        if (log.EpochCount > 0)
        {
            long offset = startOffsetMs % log.DurationMs;
            int first = Array.FindIndex(log.Offsets, o => o >= offset);
            _startEpoch = first < 0 ? 0 : first;
        }

        _epoch = _startEpoch;
        _baseUtcMs = ((startUtcMs + 999) / 1000 * 1000) + log.FirstSubsecondMs;
    }

    /// <summary>Epochs printed so far.</summary>
    public long Epochs { get; private set; }

    /// <summary>Times the replay went back to the start of the log.</summary>
    public long Loops => _loop;

    /// <inheritdoc/>
    public int Read(long utcNowMs, byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length - offset);
        if (_pendingStart == _pendingEnd)
        {
            if (_log.EpochCount == 0 || count == 0)
            {
                return 0;
            }

            long due = DueUtcMs();
            if (due > utcNowMs)
            {
                return 0;
            }

            Render(_log.Epochs[_epoch], due);
            Epochs++;
            if (++_epoch == _log.EpochCount)
            {
                _epoch = 0;
                _loop++;
            }
        }

        int n = Math.Min(count, _pendingEnd - _pendingStart);
        Array.Copy(_pending, _pendingStart, buffer, offset, n);
        _pendingStart += n;
        return n;
    }

    /// <inheritdoc/>
    public bool InCoverage(long utcNowMs) => true;

    private long DueUtcMs() =>
        _baseUtcMs + (_loop * _log.DurationMs) + _log.Offsets[_epoch] - _log.Offsets[_startEpoch];

    private void Render(NmeaLog.Line[] lines, long utcMs)
    {
        _pendingStart = 0;
        _pendingEnd = 0;
        DateTime time = DateTime.UnixEpoch.AddMilliseconds(utcMs);
        foreach (NmeaLog.Line line in lines)
        {
            if (line.Fields == null || (line.TimeField < 0 && line.DateKind == 0))
            {
                Append(line.Content);
            }
            else
            {
                Append(Rewrite(line, time));
            }

            Append(line.Ending);
        }
    }

    private byte[] Rewrite(NmeaLog.Line line, DateTime time)
    {
        string[] fields = (string[])line.Fields!.Clone();
        if (line.TimeField >= 0)
        {
            // The log's own format: as many fraction digits as it printed (none, or a bare point, included).
            string ms = time.Millisecond.ToString("000", System.Globalization.CultureInfo.InvariantCulture).PadRight(Math.Max(0, line.FractionDigits), '0');
            fields[line.TimeField] = time.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)
                + (line.FractionDigits >= 0 ? "." + ms[..line.FractionDigits] : string.Empty);
        }

        if (line.DateKind == 1)
        {
            fields[9] = time.ToString("ddMMyy", System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (line.DateKind == 2)
        {
            // ZDA fields 2-4: day, month, four-digit year; only those the log filled in.
            SetIfPresent(fields, 2, time.Day.ToString("00", System.Globalization.CultureInfo.InvariantCulture));
            SetIfPresent(fields, 3, time.Month.ToString("00", System.Globalization.CultureInfo.InvariantCulture));
            SetIfPresent(fields, 4, time.Year.ToString("0000", System.Globalization.CultureInfo.InvariantCulture));
        }

        _text.Clear();
        _text.Append('$').AppendJoin(',', fields);
        byte sum = 0;
        for (int i = 1; i < _text.Length; i++)
        {
            sum ^= (byte)_text[i];
        }

        _text.Append('*').Append(sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        return Encoding.ASCII.GetBytes(_text.ToString());
    }

    private static void SetIfPresent(string[] fields, int index, string value)
    {
        if (fields[index].Length > 0)
        {
            fields[index] = value;
        }
    }

    private void Append(byte[] bytes)
    {
        if (_pendingEnd + bytes.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingEnd + bytes.Length));
        }

        Array.Copy(bytes, 0, _pending, _pendingEnd, bytes.Length);
        _pendingEnd += bytes.Length;
    }
}
