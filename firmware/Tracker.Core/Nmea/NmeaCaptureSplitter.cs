namespace Tracker.Core.Nmea
{
    /// <summary>
    /// Cuts a captured NMEA byte stream into lines and epochs, for replaying it as a receiver would
    /// send it: the bench tool replays epochs into a board's UART, and a simulated car replays a log
    /// as if it were happening now. Every byte is kept: concatenating the lines gives the capture
    /// back exactly, noise, damaged sentences and line endings included.
    /// </summary>
    /// <remarks>
    /// <para>Lines: a line ends at CR, LF, CRLF or LFCR, just before a <c>$</c> (the firmware's framer
    /// starts a sentence at every <c>$</c>, so a sentence glued to garbage is still one), or after
    /// <see cref="MaxLineBytes"/> bytes without an ending (binary noise).</para>
    /// <para>Sentences and times, with the firmware's own stages: a line is a sentence when the
    /// device's framer and checksum check would take it (<c>$</c>, printable ASCII, a correct
    /// <c>*hh</c>, NMEA 0183 v4.11 §5.3.1). Its time of day is field 1 of RMC, GGA, GNS, ZDA, GST,
    /// GBS and GRS, field 5 of GLL (§8.3), read by the firmware's field scanner.</para>
    /// <para>Epochs: a sentence whose time differs from the epoch in progress starts the next one
    /// (<see cref="StartsEpoch"/>); every other line belongs to the epoch in progress, and lines
    /// before the first timed sentence to none.</para>
    /// <para>Pull-style, like <see cref="NmeaLineFramer"/>: call <see cref="Push"/> until it reports a
    /// line, read it (valid until the next call), repeat with the remaining bytes; at the end of the
    /// capture, <see cref="EndOfInput"/> delivers a last line left without its ending. A line is only
    /// complete once the byte after its ending is seen (an ending may be two bytes).</para>
    /// </remarks>
    public sealed class NmeaCaptureSplitter
    {
        /// <summary>Longest run taken as one line when no line ending comes.</summary>
        public const int MaxLineBytes = 4096;

        private readonly byte[] _line = new byte[MaxLineBytes + 2];
        private readonly NmeaSentence _sentence = new NmeaSentence();
        private int _length;
        private int _contentLength = -1;
        private bool _hasLine;
        private bool _inEpoch;
        private int _epochTimeMs;

        /// <summary>The buffer holding the current line from index 0; valid after <see cref="Push"/> or <see cref="EndOfInput"/> reported <see cref="HasLine"/>.</summary>
        public byte[] Line
        {
            get { return _line; }
        }

        /// <summary>True when the last call completed a line.</summary>
        public bool HasLine
        {
            get { return _hasLine; }
        }

        /// <summary>The current line's length, its ending included.</summary>
        public int LineLength
        {
            get { return _hasLine ? _length : 0; }
        }

        /// <summary>The current line's length without its ending.</summary>
        public int ContentLength
        {
            get { return _hasLine ? _contentLength : 0; }
        }

        /// <summary>True when the current line is a sentence the device would take (framing and checksum).</summary>
        public bool IsSentence { get; private set; }

        /// <summary>For a sentence, the index of its <c>*</c> (the end of its fields).</summary>
        public int PayloadEnd { get; private set; }

        /// <summary>The field that carries the current sentence's time (1, or 5 for GLL), or -1.</summary>
        public int TimeField { get; private set; }

        /// <summary>The current sentence's UTC time of day in ms, or -1 when it carries none that reads.</summary>
        public int TimeOfDayMs { get; private set; }

        /// <summary>True when the current line starts an epoch: a sentence whose time differs from the epoch in progress.</summary>
        public bool StartsEpoch { get; private set; }

        /// <summary>True once an epoch has started (lines before the first timed sentence belong to none).</summary>
        public bool InEpoch
        {
            get { return _inEpoch; }
        }

        /// <summary>Consumes bytes until one line completes or the input runs out.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Index of the first new byte.</param>
        /// <param name="count">Number of new bytes.</param>
        /// <returns>How many bytes were consumed (possibly 0 when a held line completed); call again with the rest when <see cref="HasLine"/> is true.</returns>
        public int Push(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(nameof(data));
            }

            StartLine();
            for (int i = 0; i < count; i++)
            {
                byte b = data[offset + i];
                if (_contentLength >= 0)
                {
                    // The byte after an ending: the second half of CRLF or LFCR belongs to it.
                    byte first = _line[_contentLength];
                    if (_length == _contentLength + 1 && (b == (byte)'\r' || b == (byte)'\n') && b != first)
                    {
                        _line[_length++] = b;
                        Complete();
                        return i + 1;
                    }

                    Complete();
                    return i;
                }

                if (b == (byte)'$' && _length > 0)
                {
                    _contentLength = _length;
                    Complete();
                    return i;
                }

                _line[_length++] = b;
                if (b == (byte)'\r' || b == (byte)'\n')
                {
                    _contentLength = _length - 1;
                }
                else if (_length == MaxLineBytes)
                {
                    _contentLength = _length;
                    Complete();
                    return i + 1;
                }
            }

            return count;
        }

        /// <summary>The capture ended: delivers the line in progress, if any (<see cref="HasLine"/>).</summary>
        public void EndOfInput()
        {
            StartLine();
            if (_length == 0)
            {
                return;
            }

            if (_contentLength < 0)
            {
                _contentLength = _length;
            }

            Complete();
        }

        /// <summary>Forgets the line and the epoch in progress.</summary>
        public void Reset()
        {
            _hasLine = false;
            _length = 0;
            _contentLength = -1;
            _inEpoch = false;
        }

        // After a line was delivered, the next call starts a new one.
        private void StartLine()
        {
            if (_hasLine)
            {
                _hasLine = false;
                _length = 0;
                _contentLength = -1;
            }
        }

        private void Complete()
        {
            _hasLine = true;
            IsSentence = false;
            PayloadEnd = 0;
            TimeField = -1;
            TimeOfDayMs = -1;
            StartsEpoch = false;
            int payloadEnd;
            if (!IsPrintable() || NmeaChecksum.Verify(_line, _contentLength, out payloadEnd) != ChecksumResult.Valid)
            {
                return;
            }

            IsSentence = true;
            PayloadEnd = payloadEnd;
            if (!_sentence.Load(_line, payloadEnd))
            {
                return;
            }

            int field = TimeFieldOf();
            int ms;
            if (field < 0 || _sentence.TryGetTime(field, out ms) != FieldResult.Ok)
            {
                return;
            }

            TimeField = field;
            TimeOfDayMs = ms;
            if (!_inEpoch || ms != _epochTimeMs)
            {
                StartsEpoch = true;
                _inEpoch = true;
                _epochTimeMs = ms;
            }
        }

        // What the device's framer takes as a sentence's bytes: '$', then printable ASCII.
        private bool IsPrintable()
        {
            if (_contentLength < 2 || _line[0] != (byte)'$')
            {
                return false;
            }

            for (int i = 1; i < _contentLength; i++)
            {
                byte b = _line[i];
                if (b < 0x20 || b > 0x7E)
                {
                    return false;
                }
            }

            return true;
        }

        private int TimeFieldOf()
        {
            switch (_sentence.Type)
            {
                case SentenceType.Rmc:
                case SentenceType.Gga:
                case SentenceType.Gns:
                case SentenceType.Zda:
                    return 1;
                case SentenceType.Gll:
                    return 5;
                default:
                    break;
            }

            // GST, GBS and GRS (talker-addressed, five characters) carry the time in field 1 too.
            if (_sentence.Length(0) != 5 || _sentence.CharAt(0, 0) == 'P')
            {
                return -1;
            }

            char a = _sentence.CharAt(0, 2);
            char b = _sentence.CharAt(0, 3);
            char c = _sentence.CharAt(0, 4);
            bool timed = (a == 'G' && b == 'S' && c == 'T') || (a == 'G' && b == 'B' && c == 'S') || (a == 'G' && b == 'R' && c == 'S');
            return timed ? 1 : -1;
        }
    }
}
