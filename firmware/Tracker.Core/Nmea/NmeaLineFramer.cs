namespace Tracker.Core.Nmea
{
    /// <summary>
    /// Cuts NMEA 0183 sentences out of a byte stream delivered in arbitrary chunks, as a UART read
    /// returns them. A sentence split across reads is kept; bytes between sentences (binary protocol
    /// frames, logger banners, noise) are skipped; the framer resynchronises on every <c>$</c>.
    /// </summary>
    /// <remarks>
    /// Pull-style and allocation-free: call <see cref="Push"/> until it reports a line, read the line
    /// from <see cref="Line"/> (valid until the next call), repeat with the remaining bytes.
    /// A line ends at CR or LF, so CRLF, LF, CR and LFCR endings all work; empty lines are ignored.
    /// NMEA 0183 caps a sentence at 82 characters including <c>$</c> and CRLF; real receivers exceed
    /// that (long GSV, proprietary sentences, RTK precision), so the cap is configurable and a longer
    /// line is dropped whole, never truncated into something that could parse.
    /// </remarks>
    public sealed class NmeaLineFramer
    {
        /// <summary>Default longest line accepted, excluding the line ending.</summary>
        public const int DefaultMaxLineLength = 160;

        private readonly byte[] _line;
        private int _length;
        private bool _inLine;
        private bool _discarding;
        private bool _hasLine;

        /// <summary>Creates a framer with the default line limit.</summary>
        public NmeaLineFramer()
            : this(DefaultMaxLineLength)
        {
        }

        /// <summary>Creates a framer that drops lines longer than <paramref name="maxLineLength"/>.</summary>
        /// <param name="maxLineLength">Longest accepted line, <c>$</c> included, line ending excluded (16 to 4096).</param>
        public NmeaLineFramer(int maxLineLength)
        {
            if (maxLineLength < 16 || maxLineLength > 4096)
            {
                throw new System.ArgumentOutOfRangeException("maxLineLength");
            }

            _line = new byte[maxLineLength];
        }

        /// <summary>The buffer holding the current line, starting with <c>$</c>; valid after <see cref="Push"/> returned with <see cref="HasLine"/> true.</summary>
        public byte[] Line
        {
            get { return _line; }
        }

        /// <summary>Length of the current line in <see cref="Line"/>, without its line ending.</summary>
        public int LineLength
        {
            get { return _hasLine ? _length : 0; }
        }

        /// <summary>True when the last <see cref="Push"/> completed a line.</summary>
        public bool HasLine
        {
            get { return _hasLine; }
        }

        /// <summary>Complete lines delivered.</summary>
        public long Lines { get; private set; }

        /// <summary>Lines dropped because they were longer than the limit.</summary>
        public long OverlongLines { get; private set; }

        /// <summary>Partial lines abandoned because a new <c>$</c> or a non-text byte arrived before the line ended.</summary>
        public long BrokenLines { get; private set; }

        /// <summary>Bytes skipped outside any sentence.</summary>
        public long SkippedBytes { get; private set; }

        /// <summary>
        /// Consumes bytes until one line completes or the input runs out.
        /// </summary>
        /// <param name="data">The bytes received.</param>
        /// <param name="offset">Index of the first new byte.</param>
        /// <param name="count">Number of new bytes.</param>
        /// <returns>How many bytes were consumed; call again with the rest when <see cref="HasLine"/> is true.</returns>
        public int Push(byte[] data, int offset, int count)
        {
            _hasLine = false;
            int i = offset;
            int end = offset + count;
            while (i < end)
            {
                byte b = data[i++];
                if (b == (byte)'$')
                {
                    if (_inLine && !_discarding)
                    {
                        BrokenLines++;
                    }

                    _inLine = true;
                    _discarding = false;
                    _line[0] = b;
                    _length = 1;
                    continue;
                }

                if (!_inLine)
                {
                    if (b != (byte)'\r' && b != (byte)'\n')
                    {
                        SkippedBytes++;
                    }

                    continue;
                }

                if (b == (byte)'\r' || b == (byte)'\n')
                {
                    _inLine = false;
                    if (_discarding)
                    {
                        _discarding = false;
                        continue;
                    }

                    Lines++;
                    _hasLine = true;
                    return i - offset;
                }

                if (_discarding)
                {
                    continue;
                }

                if (b < 0x20 || b > 0x7E)
                {
                    // Binary inside a sentence: it was not a sentence (or it was damaged). Drop it and
                    // wait for the next '$'.
                    BrokenLines++;
                    SkippedBytes++;
                    _inLine = false;
                    continue;
                }

                if (_length == _line.Length)
                {
                    OverlongLines++;
                    _discarding = true;
                    continue;
                }

                _line[_length++] = b;
            }

            return i - offset;
        }

        /// <summary>
        /// True when the bytes of a line whose ending has not arrived are held (not an over-long
        /// line being dropped). They are in <see cref="Line"/>, <see cref="PartialLength"/> long.
        /// </summary>
        public bool HasPartialLine
        {
            get { return _inLine && !_discarding && _length > 0; }
        }

        /// <summary>Length of the partial line held in <see cref="Line"/>, or 0.</summary>
        public int PartialLength
        {
            get { return HasPartialLine ? _length : 0; }
        }

        /// <summary>
        /// Ends the partial line as if its line ending had arrived, for input that stops without a
        /// final CR or LF (the end of a file, or a receiver that leaves its last sentence of a burst
        /// unterminated). Afterwards <see cref="HasLine"/>, <see cref="Line"/> and
        /// <see cref="LineLength"/> give it, as after <see cref="Push"/>.
        /// </summary>
        /// <returns>False when no partial line was held.</returns>
        public bool EndLine()
        {
            _hasLine = false;
            if (!HasPartialLine)
            {
                return false;
            }

            _inLine = false;
            Lines++;
            _hasLine = true;
            return true;
        }

        /// <summary>Forgets any partial line, as after a port reopen.</summary>
        public void Reset()
        {
            _inLine = false;
            _discarding = false;
            _hasLine = false;
            _length = 0;
        }
    }
}
