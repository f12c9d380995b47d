using Tracker.Core.Nmea;

namespace Tracker.Bench.Replay;

/// <summary>
/// Reads the UTC time field of one captured line with the firmware's own stages: the line framer,
/// the checksum check and the sentence field scanner. RMC, GGA, GNS and ZDA carry the time in field
/// 1, GLL in field 5 (NMEA 0183 v4.11 §8.3); every other sentence, a damaged one, or noise has none.
/// </summary>
public sealed class SentenceTime
{
    private static readonly byte[] LineEnd = [(byte)'\n'];
    private readonly NmeaLineFramer _framer = new(4096);
    private readonly NmeaSentence _sentence = new();

    /// <summary>The time of day of the first time-carrying sentence in <paramref name="line"/>, or null.</summary>
    public int? Read(byte[] line, int offset, int count)
    {
        _framer.Reset();
        int used = 0;
        while (used < count)
        {
            used += _framer.Push(line, offset + used, count - used);
            if (_framer.HasLine && TimeOf() is int t)
            {
                return t;
            }
        }

        // The capture's last line may have no line ending: end it, so the framer delivers it.
        _framer.Push(LineEnd, 0, 1);
        return _framer.HasLine ? TimeOf() : null;
    }

    private int? TimeOf()
    {
        if (NmeaChecksum.Verify(_framer.Line, _framer.LineLength, out int payloadEnd) != ChecksumResult.Valid
            || !_sentence.Load(_framer.Line, payloadEnd))
        {
            return null;
        }

        int field = _sentence.Type switch
        {
            SentenceType.Rmc or SentenceType.Gga or SentenceType.Gns or SentenceType.Zda => 1,
            SentenceType.Gll => 5,
            _ => 0,
        };
        return field != 0 && _sentence.TryGetTime(field, out int ms) == FieldResult.Ok ? ms : null;
    }
}
