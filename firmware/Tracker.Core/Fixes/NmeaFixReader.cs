using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// The GNSS read path in one object: bytes from the UART go through the line framer, the checksum
    /// check, the field scanner and the sentence parsers into the epoch assembler, which yields fixes.
    /// Every line lands in exactly one counter of <see cref="Counters"/>.
    /// </summary>
    /// <remarks>
    /// Use:
    /// <code>
    /// int used = 0;
    /// while (used &lt; count)
    /// {
    ///     used += reader.Push(buffer, used, count - used);
    ///     Fix fix;
    ///     if (reader.TryTakeFix(out fix)) { /* report policy, log... */ }
    /// }
    /// </code>
    /// <see cref="Push"/> stops as soon as a fix is ready, so none is ever overwritten. Call
    /// <see cref="Flush"/> when the UART has been idle for a while, and <see cref="EndOfInput"/> at
    /// the end of a file or stream, to close the last epoch without waiting for the next one; both
    /// also read a last sentence that came without its line ending. Allocation-free in steady state.
    /// </remarks>
    public sealed class NmeaFixReader
    {
        private readonly NmeaLineFramer _framer;
        private readonly NmeaSentence _sentence = new NmeaSentence();
        private readonly NmeaCounters _counters = new NmeaCounters();
        private readonly FixAssembler _assembler;

        /// <summary>Creates a reader with the default line limit.</summary>
        public NmeaFixReader()
            : this(NmeaLineFramer.DefaultMaxLineLength)
        {
        }

        /// <summary>Creates a reader that drops lines longer than <paramref name="maxLineLength"/>.</summary>
        /// <param name="maxLineLength">Longest accepted line.</param>
        public NmeaFixReader(int maxLineLength)
        {
            _framer = new NmeaLineFramer(maxLineLength);
            _assembler = new FixAssembler(_counters);
        }

        /// <summary>What the reader has seen so far.</summary>
        public NmeaCounters Counters
        {
            get { return _counters; }
        }

        /// <summary>The framer, for its byte-level counters (overlong, broken, skipped).</summary>
        public NmeaLineFramer Framer
        {
            get { return _framer; }
        }

        /// <summary>True when a fix is waiting to be taken.</summary>
        public bool HasFix
        {
            get { return _assembler.HasFix; }
        }

        /// <summary>
        /// Consumes bytes until a fix is ready or the input is used up.
        /// </summary>
        /// <param name="data">Bytes from the receiver.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>How many bytes were consumed.</returns>
        public int Push(byte[] data, int offset, int count)
        {
            int used = 0;
            while (used < count && !_assembler.HasFix)
            {
                used += _framer.Push(data, offset + used, count - used);
                if (_framer.HasLine)
                {
                    ReadLine(_framer.Line, _framer.LineLength);
                }
            }

            return used;
        }

        /// <summary>
        /// Processes one line that was framed elsewhere (starting with <c>$</c>, without its line ending).
        /// A fix it completes waits in <see cref="TryTakeFix"/>; take it before the next line.
        /// </summary>
        /// <param name="line">The line.</param>
        /// <param name="length">Its length.</param>
        public void ReadLine(byte[] line, int length)
        {
            _counters.Lines++;
            int payloadEnd;
            ChecksumResult check = NmeaChecksum.Verify(line, length, out payloadEnd);
            if (check == ChecksumResult.Mismatch)
            {
                _counters.ChecksumErrors++;
                return;
            }

            if (check != ChecksumResult.Valid)
            {
                _counters.MissingChecksum++;
                return;
            }

            if (!_sentence.Load(line, payloadEnd))
            {
                _counters.Malformed++;
                return;
            }

            SentenceType type = _sentence.Type;
            if (type == SentenceType.Proprietary)
            {
                _counters.Proprietary++;
                return;
            }

            if (type == SentenceType.Unknown)
            {
                _counters.UnknownType++;
                return;
            }

            if (_sentence.Talker == Talker.Unknown)
            {
                _counters.OtherTalker++;
                return;
            }

            if (Dispatch(type))
            {
                _counters.CountParsed(type);
                _assembler.SentenceDone(type);
            }
            else
            {
                _counters.Malformed++;
            }
        }

        /// <summary>Takes the fix that is ready, if any.</summary>
        /// <param name="fix">The fix.</param>
        /// <returns>False when none is waiting.</returns>
        public bool TryTakeFix(out Fix fix)
        {
            return _assembler.TryTakeFix(out fix);
        }

        /// <summary>
        /// The receiver paused (the UART went idle): a sentence still waiting for its line ending is
        /// read when it is complete (its checksum verifies); one that is not is kept, in case the
        /// rest follows. Then the epoch in progress closes. Take the fixes afterwards.
        /// </summary>
        public void Flush()
        {
            if (_framer.HasPartialLine)
            {
                int payloadEnd;
                if (NmeaChecksum.Verify(_framer.Line, _framer.PartialLength, out payloadEnd) == ChecksumResult.Valid && _framer.EndLine())
                {
                    ReadLine(_framer.Line, _framer.LineLength);
                }
            }

            _assembler.Close();
        }

        /// <summary>
        /// The input has ended (end of file or stream): whatever is held as a partial line is read as
        /// the last line, so a final sentence without a line ending counts (a cut one lands in its
        /// counter, as a checksum error or a missing checksum, and never makes a fix). Then the epoch
        /// in progress closes. Take the fixes afterwards.
        /// </summary>
        public void EndOfInput()
        {
            if (_framer.EndLine())
            {
                ReadLine(_framer.Line, _framer.LineLength);
            }

            _assembler.Close();
        }

        /// <summary>Drops any partial line and epoch, as after the receiver was reset or the port reopened.</summary>
        public void Reset()
        {
            _framer.Reset();
            _assembler.Restart();
        }

        private bool Dispatch(SentenceType type)
        {
            switch (type)
            {
                case SentenceType.Rmc:
                    Rmc rmc;
                    if (!Rmc.TryParse(_sentence, out rmc))
                    {
                        return false;
                    }

                    _assembler.Add(ref rmc);
                    return true;
                case SentenceType.Gga:
                    Gga gga;
                    if (!Gga.TryParse(_sentence, out gga))
                    {
                        return false;
                    }

                    _assembler.Add(ref gga);
                    return true;
                case SentenceType.Gns:
                    Gns gns;
                    if (!Gns.TryParse(_sentence, out gns))
                    {
                        return false;
                    }

                    _assembler.Add(ref gns);
                    return true;
                case SentenceType.Gsa:
                    Gsa gsa;
                    if (!Gsa.TryParse(_sentence, out gsa))
                    {
                        return false;
                    }

                    _assembler.Add(ref gsa);
                    return true;
                case SentenceType.Vtg:
                    Vtg vtg;
                    if (!Vtg.TryParse(_sentence, out vtg))
                    {
                        return false;
                    }

                    _assembler.Add(ref vtg);
                    return true;
                case SentenceType.Gll:
                    Gll gll;
                    if (!Gll.TryParse(_sentence, out gll))
                    {
                        return false;
                    }

                    _assembler.Add(ref gll);
                    return true;
                case SentenceType.Zda:
                    Zda zda;
                    if (!Zda.TryParse(_sentence, out zda))
                    {
                        return false;
                    }

                    _assembler.Add(ref zda);
                    return true;
                default:
                    return false;
            }
        }
    }
}
