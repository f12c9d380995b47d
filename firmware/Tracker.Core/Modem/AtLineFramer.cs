namespace Tracker.Core.Modem
{
    /// <summary>
    /// Cuts modem output into lines. SIMCom frames every response line and URC as
    /// <c>&lt;CR&gt;&lt;LF&gt;text&lt;CR&gt;&lt;LF&gt;</c> in verbose mode and echoes a command
    /// ending in a bare <c>&lt;CR&gt;</c> (MAN §1.4), so a line ends at CR or LF and empty lines are
    /// ignored. The data prompt <c>&gt; </c> is not terminated at all, so it is recognised by its
    /// first byte at the start of a line, and only while a prompt is wanted.
    /// </summary>
    /// <remarks>
    /// Robust against a noisy UART: bytes outside printable ASCII (power-up glitches, baud
    /// mismatch) are dropped and counted, and a line longer than the limit is dropped whole up to
    /// its line end, never truncated into something that could parse as a result code. Spaces
    /// around a line are removed (the prompt's trailing space then leaves an empty line).
    /// </remarks>
    public sealed class AtLineFramer
    {
        private readonly byte[] _line;
        private int _length;
        private bool _discarding;
        private string _taken = string.Empty;

        /// <summary>Creates a framer.</summary>
        /// <param name="maxLineLength">Longest line kept (16 to 65536 characters).</param>
        public AtLineFramer(int maxLineLength)
        {
            if (maxLineLength < 16 || maxLineLength > 65536)
            {
                throw new System.ArgumentOutOfRangeException("maxLineLength");
            }

            _line = new byte[maxLineLength];
        }

        /// <summary>Bytes dropped because they were not printable ASCII.</summary>
        public long GarbageBytes { get; private set; }

        /// <summary>Lines dropped because they exceeded the limit.</summary>
        public long OverlongLines { get; private set; }

        /// <summary>Feeds one received byte.</summary>
        /// <param name="b">The byte.</param>
        /// <param name="promptWanted">True while a command waits for the <c>&gt;</c> prompt.</param>
        /// <returns>What the byte completed.</returns>
        public AtFrameEvent Feed(byte b, bool promptWanted)
        {
            if (b == 13 || b == 10)
            {
                if (_discarding)
                {
                    _discarding = false;
                    _length = 0;
                    return AtFrameEvent.None;
                }

                if (_length == 0)
                {
                    return AtFrameEvent.None;
                }

                _taken = Trimmed();
                _length = 0;
                return _taken.Length == 0 ? AtFrameEvent.None : AtFrameEvent.Line;
            }

            if (b < 0x20 || b > 0x7E)
            {
                GarbageBytes++;
                return AtFrameEvent.None;
            }

            if (_discarding)
            {
                return AtFrameEvent.None;
            }

            if (promptWanted && b == (byte)'>' && IsBlank())
            {
                _length = 0;
                return AtFrameEvent.Prompt;
            }

            if (_length == _line.Length)
            {
                OverlongLines++;
                _discarding = true;
                _length = 0;
                return AtFrameEvent.None;
            }

            _line[_length++] = b;
            return AtFrameEvent.None;
        }

        /// <summary>The line the last <see cref="AtFrameEvent.Line"/> completed, trimmed of spaces.</summary>
        /// <returns>The line.</returns>
        public string TakeLine()
        {
            return _taken;
        }

        /// <summary>Forgets a partial line (after the port was reopened or the modem restarted).</summary>
        public void Reset()
        {
            _length = 0;
            _discarding = false;
        }

        private bool IsBlank()
        {
            for (int i = 0; i < _length; i++)
            {
                if (_line[i] != (byte)' ')
                {
                    return false;
                }
            }

            return true;
        }

        private string Trimmed()
        {
            int start = 0;
            int end = _length;
            while (start < end && _line[start] == (byte)' ')
            {
                start++;
            }

            while (end > start && _line[end - 1] == (byte)' ')
            {
                end--;
            }

            return AtText.FromAscii(_line, start, end - start);
        }
    }
}
