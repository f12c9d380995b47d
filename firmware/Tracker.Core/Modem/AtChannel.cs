using System.Collections;
using Tracker.Core.Time;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// Runs AT commands over a byte transport: sends a command, collects its intermediate lines
    /// until the final result code or the deadline, writes raw data after a prompt, and keeps the
    /// unsolicited result codes (URCs) that arrive at any time in a queue for the driver. Every
    /// outcome is an <see cref="AtResult"/> value; modem behaviour never throws.
    /// </summary>
    /// <remarks>
    /// <para>Classification of a line while a command is pending, in this order (MAN §1; NF
    /// <c>AtChannel.cs</c>): empty lines are skipped; a line starting with <c>AT</c> is the echo
    /// (tolerated even after <c>ATE0</c>, and counted, because echo coming back means the modem
    /// restarted); <c>OK</c>, <c>ERROR</c>, <c>+CME ERROR:</c> and <c>+CMS ERROR:</c> are final;
    /// <c>RDY</c> or <c>NORMAL POWER DOWN</c> means the modem restarted or switched off and lost the command; a line with the command's
    /// response prefix is intermediate; any other line starting with <c>+</c> or <c>*</c>, or a
    /// known bare URC (<c>SMS Ready</c>, <c>NORMAL POWER DOWN</c>...), is a URC and is queued; any
    /// other bare line is intermediate (<c>AT+CGMR</c> answers <c>Revision:...</c>). With no
    /// command pending, every line except echo and stray final codes is a URC.</para>
    /// <para>Single-threaded and poll-driven: the caller's thread reads the port inside
    /// <see cref="Execute"/>, <see cref="WaitForUrc"/> and <see cref="Poll"/>, so URCs are seen
    /// whenever the driver talks to the modem or polls, and the UART driver's receive buffer holds
    /// what arrives in between (size it for a full <c>+SMSUB</c> URC on the device).</para>
    /// <para>A final code that arrives after its command timed out could be taken for the next
    /// command's; <see cref="Execute"/> first drains what was already received (counting stray
    /// final codes), and the driver treats a timeout as a lost session and resynchronises.</para>
    /// </remarks>
    public sealed class AtChannel
    {
        /// <summary>
        /// Default longest line: a <c>+SMSUB</c> URC with a 128-character topic and a 1024-byte
        /// payload in hex (MAN §17: topic ≤ 128, message ≤ 1024) is about 2,200 characters.
        /// </summary>
        public const int DefaultMaxLineLength = 2400;

        /// <summary>Default number of URCs kept until the driver takes them.</summary>
        public const int DefaultUrcCapacity = 32;

        private const int EventTimeout = -1;
        private const int PollReadLimit = 16;

        private static readonly string[] BareUrcPrefixes =
        {
            "RDY", "SMS Ready", "Call Ready", "NORMAL POWER DOWN", "UNDER-VOLTAGE", "OVER-VOLTAGE", "DST:",
        };

        private readonly ISerialChannel _serial;
        private readonly IMonotonicClock _clock;
        private readonly AtLineFramer _framer;
        private readonly byte[] _rx = new byte[256];
        private readonly string[] _urcs;
        private readonly ArrayList _lines = new ArrayList();
        private int _rxPos;
        private int _rxCount;
        private int _urcHead;
        private int _urcCount;

        private AtStatus _status;
        private int _errorCode;
        private string _errorText = string.Empty;
        private string _pending = string.Empty;

        /// <summary>Creates a channel with the default line limit and URC queue.</summary>
        /// <param name="serial">The UART to the modem.</param>
        /// <param name="clock">The monotonic clock for deadlines.</param>
        public AtChannel(ISerialChannel serial, IMonotonicClock clock)
            : this(serial, clock, DefaultMaxLineLength, DefaultUrcCapacity)
        {
        }

        /// <summary>Creates a channel.</summary>
        /// <param name="serial">The UART to the modem.</param>
        /// <param name="clock">The monotonic clock for deadlines.</param>
        /// <param name="maxLineLength">Longest line kept (16 to 65536); longer lines are dropped whole.</param>
        /// <param name="urcCapacity">URCs kept (1 to 1024); when full, the oldest is dropped.</param>
        public AtChannel(ISerialChannel serial, IMonotonicClock clock, int maxLineLength, int urcCapacity)
        {
            if (serial == null)
            {
                throw new System.ArgumentNullException("serial");
            }

            if (clock == null)
            {
                throw new System.ArgumentNullException("clock");
            }

            if (urcCapacity < 1 || urcCapacity > 1024)
            {
                throw new System.ArgumentOutOfRangeException("urcCapacity");
            }

            _serial = serial;
            _clock = clock;
            _framer = new AtLineFramer(maxLineLength);
            _urcs = new string[urcCapacity];
        }

        /// <summary>The clock this channel measures deadlines with.</summary>
        public IMonotonicClock Clock
        {
            get { return _clock; }
        }

        /// <summary>Commands sent.</summary>
        public long Commands { get; private set; }

        /// <summary>Commands (or prompts) that got no answer in time.</summary>
        public long Timeouts { get; private set; }

        /// <summary>
        /// Exact echoes of the pending command seen (any after <c>ATE0</c> mean the modem restarted).
        /// Other lines starting with <c>AT</c> (noise) are skipped but not counted.
        /// </summary>
        public long EchoLines { get; private set; }

        /// <summary>Final result codes that arrived with no command pending (late answers) and were dropped.</summary>
        public long StrayResults { get; private set; }

        /// <summary>URCs dropped because the queue was full.</summary>
        public long DroppedUrcs { get; private set; }

        /// <summary>Non-printable bytes dropped from the input.</summary>
        public long GarbageBytes
        {
            get { return _framer.GarbageBytes; }
        }

        /// <summary>Overlong lines dropped.</summary>
        public long OverlongLines
        {
            get { return _framer.OverlongLines; }
        }

        /// <summary>URCs waiting in the queue.</summary>
        public int PendingUrcs
        {
            get { return _urcCount; }
        }

        /// <summary>Takes the oldest queued URC.</summary>
        /// <param name="line">The URC line, trimmed.</param>
        /// <returns>False when the queue is empty.</returns>
        public bool TryTakeUrc(out string line)
        {
            if (_urcCount == 0)
            {
                line = string.Empty;
                return false;
            }

            line = _urcs[_urcHead];
            _urcs[_urcHead] = string.Empty;
            _urcHead = (_urcHead + 1) % _urcs.Length;
            _urcCount--;
            return true;
        }

        /// <summary>
        /// Sends a command and collects its response until the final result code or the deadline.
        /// </summary>
        /// <param name="command">The command, starting with <c>AT</c>, without the trailing CR.</param>
        /// <param name="responsePrefix">The prefix of its intermediate lines (<c>+CSQ:</c>), or null.</param>
        /// <param name="timeoutMs">How long to wait for the final result code.</param>
        /// <returns>The outcome; never null.</returns>
        public AtResult Execute(string command, string? responsePrefix, int timeoutMs)
        {
            CheckCommand(command);
            Begin(command);
            return Finish(responsePrefix, _clock.NowMs + timeoutMs, false);
        }

        /// <summary>
        /// Sends a command that answers with a data prompt, then writes exactly
        /// <paramref name="count"/> bytes (no terminator), then collects the final result code. If the
        /// modem answers with a final code instead of the prompt, no data is written.
        /// </summary>
        /// <param name="command">The command (<c>AT+SMPUB=...</c>, <c>AT+CFSWFILE=...</c>).</param>
        /// <param name="responsePrefix">The prefix of its intermediate lines, or null.</param>
        /// <param name="prompt">Which prompt the command gives.</param>
        /// <param name="data">The data.</param>
        /// <param name="offset">Index of the first data byte.</param>
        /// <param name="count">Number of data bytes.</param>
        /// <param name="promptTimeoutMs">How long to wait for the prompt.</param>
        /// <param name="timeoutMs">How long to wait for the final result code after the data.</param>
        /// <returns>The outcome; <see cref="AtResult.PayloadSent"/> tells whether the data went out.</returns>
        public AtResult ExecuteWithData(
            string command,
            string? responsePrefix,
            AtPrompt prompt,
            byte[] data,
            int offset,
            int count,
            int promptTimeoutMs,
            int timeoutMs)
        {
            CheckCommand(command);
            if (data == null)
            {
                throw new System.ArgumentNullException("data");
            }

            if (offset < 0 || count < 0 || offset + count > data.Length)
            {
                throw new System.ArgumentOutOfRangeException("count");
            }

            Begin(command);
            long deadline = _clock.NowMs + promptTimeoutMs;
            bool wantChevron = prompt == AtPrompt.Chevron;
            while (true)
            {
                int ev = Next(deadline, wantChevron, -1);
                if (ev == EventTimeout)
                {
                    Timeouts++;
                    return MakeResult(AtStatus.Timeout, false);
                }

                if (ev == (int)AtFrameEvent.Prompt)
                {
                    break;
                }

                string line = _framer.TakeLine();
                if (prompt == AtPrompt.Download && line == "DOWNLOAD")
                {
                    break;
                }

                if (HandleResponseLine(line, responsePrefix))
                {
                    return MakeResult(_status, false);
                }
            }

            _serial.Write(data, offset, count);
            return Finish(responsePrefix, _clock.NowMs + timeoutMs, true);
        }

        /// <summary>
        /// Sends a command whose answer carries raw bytes after a header line, as <c>AT+SHREAD</c> does:
        /// the final result code, and (before or after it) a line <paramref name="dataPrefix"/> <c>n</c>
        /// followed at once by exactly n bytes, which are not lines and may hold any byte. The bytes go to
        /// <paramref name="buffer"/>; a header over <paramref name="max"/>, or one that does not parse, ends
        /// the command as <see cref="AtStatus.Error"/> and the input is dropped (the modem is out of step).
        /// </summary>
        /// <param name="command">The command.</param>
        /// <param name="dataPrefix">The header's prefix, with its colon and space (<c>+SHREAD: </c>).</param>
        /// <param name="buffer">Where the bytes go.</param>
        /// <param name="offset">Index of the first byte to fill.</param>
        /// <param name="max">Most bytes accepted.</param>
        /// <param name="timeoutMs">How long to wait for the result code and the bytes.</param>
        /// <param name="read">Bytes received; fewer than the header said when the time ran out.</param>
        /// <returns>The outcome: <see cref="AtStatus.Ok"/> only when the result code and every byte arrived.</returns>
        public AtResult ExecuteReadData(string command, string dataPrefix, byte[] buffer, int offset, int max, int timeoutMs, out int read)
        {
            CheckCommand(command);
            if (buffer == null)
            {
                throw new System.ArgumentNullException("buffer");
            }

            if (offset < 0 || max < 0 || offset + max > buffer.Length)
            {
                throw new System.ArgumentOutOfRangeException("max");
            }

            read = 0;
            Begin(command);
            long deadline = _clock.NowMs + timeoutMs;
            bool final = false;
            bool data = false;
            while (!final || !data)
            {
                int ev = Next(deadline, false, -1);
                if (ev == EventTimeout)
                {
                    Timeouts++;
                    return MakeResult(AtStatus.Timeout, false);
                }

                string line = _framer.TakeLine();
                if (!data && line.StartsWith(dataPrefix))
                {
                    int n;
                    if (!AtText.TryParseInt(line.Substring(dataPrefix.Length).Trim(), out n) || n < 0 || n > max)
                    {
                        ResetInput();
                        return MakeResult(AtStatus.Error, false);
                    }

                    // The framer ended the header at its CR; the LF after it is not data.
                    SkipLineFeed(deadline);
                    read = ReadRaw(buffer, offset, n, deadline);
                    if (read < n)
                    {
                        Timeouts++;
                        return MakeResult(AtStatus.Timeout, false);
                    }

                    data = true;
                    continue;
                }

                if (!final && HandleResponseLine(line, null))
                {
                    final = true;
                    if (_status != AtStatus.Ok)
                    {
                        // An error answer carries no data.
                        return MakeResult(_status, false);
                    }
                }
            }

            return MakeResult(_status, false);
        }

        /// <summary>
        /// Reads until at least one URC is queued or the time is up; returns at once when the queue
        /// already holds one. The driver uses it to wait for a URC such as <c>+APP PDP: 0,ACTIVE</c>.
        /// </summary>
        /// <param name="timeoutMs">Longest wait.</param>
        /// <returns>True when a URC is waiting.</returns>
        public bool WaitForUrc(int timeoutMs)
        {
            long deadline = _clock.NowMs + timeoutMs;
            while (_urcCount == 0)
            {
                int ev = Next(deadline, false, -1);
                if (ev == EventTimeout)
                {
                    return false;
                }

                HandleUnsolicitedLine(_framer.TakeLine());
            }

            return true;
        }

        /// <summary>
        /// Reads until a URC starting with <paramref name="prefix"/> arrives or the time is up, and takes it;
        /// other URCs stay queued, in order, for their owners (a download's <c>+SHREQ:</c> must not take the
        /// MQTT link's <c>+SMSUB:</c>).
        /// </summary>
        /// <param name="prefix">The URC's prefix.</param>
        /// <param name="timeoutMs">Longest wait.</param>
        /// <param name="line">The URC, or empty.</param>
        /// <returns>True when it arrived.</returns>
        public bool WaitForUrcStartingWith(string prefix, int timeoutMs, out string line)
        {
            long deadline = _clock.NowMs + timeoutMs;
            while (true)
            {
                for (int i = 0; i < _urcCount; i++)
                {
                    int at = (_urcHead + i) % _urcs.Length;
                    if (_urcs[at].StartsWith(prefix))
                    {
                        line = _urcs[at];
                        for (int j = i; j < _urcCount - 1; j++)
                        {
                            _urcs[(_urcHead + j) % _urcs.Length] = _urcs[(_urcHead + j + 1) % _urcs.Length];
                        }

                        _urcCount--;
                        _urcs[(_urcHead + _urcCount) % _urcs.Length] = string.Empty;
                        return true;
                    }
                }

                int ev = Next(deadline, false, -1);
                if (ev == EventTimeout)
                {
                    line = string.Empty;
                    return false;
                }

                HandleUnsolicitedLine(_framer.TakeLine());
            }
        }

        /// <summary>
        /// Processes whatever has already been received, without waiting: URCs are queued, echo and
        /// late final codes are dropped.
        /// </summary>
        public void Poll()
        {
            long now = _clock.NowMs;
            while (true)
            {
                int ev = Next(now, false, PollReadLimit);
                if (ev == EventTimeout)
                {
                    return;
                }

                HandleUnsolicitedLine(_framer.TakeLine());
            }
        }

        /// <summary>Forgets any partial line and buffered input (after a power cycle).</summary>
        public void ResetInput()
        {
            _framer.Reset();
            _rxPos = 0;
            _rxCount = 0;
        }

        private static void CheckCommand(string command)
        {
            if (command == null || command.Length < 2 || (command[0] != 'A' && command[0] != 'a') || (command[1] != 'T' && command[1] != 't'))
            {
                throw new System.ArgumentException("an AT command starts with AT", "command");
            }

            if (command.IndexOf('\r') >= 0 || command.IndexOf('\n') >= 0)
            {
                throw new System.ArgumentException("the channel adds the CR", "command");
            }
        }

        private static bool IsEcho(string line)
        {
            return line.Length >= 2 && (line[0] == 'A' || line[0] == 'a') && (line[1] == 'T' || line[1] == 't');
        }

        private static bool IsUrcShape(string line)
        {
            if (line[0] == '+' || line[0] == '*')
            {
                return true;
            }

            for (int i = 0; i < BareUrcPrefixes.Length; i++)
            {
                if (line.StartsWith(BareUrcPrefixes[i]))
                {
                    return true;
                }
            }

            return false;
        }

        private void Begin(string command)
        {
            Poll();
            _pending = command;
            _lines.Clear();
            _status = AtStatus.Timeout;
            _errorCode = -1;
            _errorText = string.Empty;
            byte[] bytes = AtText.ToAscii(command + "\r");
            Commands++;
            _serial.Write(bytes, 0, bytes.Length);
        }

        private AtResult Finish(string? responsePrefix, long deadline, bool payloadSent)
        {
            while (true)
            {
                int ev = Next(deadline, false, -1);
                if (ev == EventTimeout)
                {
                    Timeouts++;
                    return MakeResult(AtStatus.Timeout, payloadSent);
                }

                if (HandleResponseLine(_framer.TakeLine(), responsePrefix))
                {
                    return MakeResult(_status, payloadSent);
                }
            }
        }

        /// <summary>Classifies a line received while a command is pending; true when the command ended.</summary>
        private bool HandleResponseLine(string line, string? responsePrefix)
        {
            if (IsEcho(line))
            {
                if (line == _pending)
                {
                    EchoLines++;
                }

                return false;
            }

            if (TrySetFinal(line))
            {
                return true;
            }

            if (line == "RDY" || line.StartsWith("NORMAL POWER DOWN"))
            {
                // The modem restarted or switched off: it will never answer the pending command.
                Enqueue(line);
                _status = AtStatus.Restarted;
                return true;
            }

            if (responsePrefix != null && line.StartsWith(responsePrefix))
            {
                _lines.Add(line);
                return false;
            }

            if (IsUrcShape(line))
            {
                Enqueue(line);
                return false;
            }

            _lines.Add(line);
            return false;
        }

        private void HandleUnsolicitedLine(string line)
        {
            if (IsEcho(line))
            {
                return;
            }

            if (line == "OK" || line == "ERROR" || line.StartsWith("+CME ERROR:") || line.StartsWith("+CMS ERROR:"))
            {
                StrayResults++;
                return;
            }

            Enqueue(line);
        }

        private bool TrySetFinal(string line)
        {
            if (line == "OK")
            {
                _status = AtStatus.Ok;
                return true;
            }

            if (line == "ERROR")
            {
                _status = AtStatus.Error;
                return true;
            }

            if (line.StartsWith("+CME ERROR:"))
            {
                _status = AtStatus.CmeError;
                _errorText = line.Substring(11).Trim();
                _errorCode = CmeError.Parse(_errorText);
                return true;
            }

            if (line.StartsWith("+CMS ERROR:"))
            {
                _status = AtStatus.CmsError;
                _errorText = line.Substring(11).Trim();
                int code;
                _errorCode = AtText.TryParseInt(_errorText, out code) ? code : -1;
                return true;
            }

            return false;
        }

        private AtResult MakeResult(AtStatus status, bool payloadSent)
        {
            string[] lines = new string[_lines.Count];
            for (int i = 0; i < lines.Length; i++)
            {
                lines[i] = (string)_lines[i]!;
            }

            _lines.Clear();
            return new AtResult(status, _errorCode, _errorText, lines, payloadSent);
        }

        private void Enqueue(string line)
        {
            if (_urcCount == _urcs.Length)
            {
                _urcHead = (_urcHead + 1) % _urcs.Length;
                _urcCount--;
                DroppedUrcs++;
            }

            _urcs[(_urcHead + _urcCount) % _urcs.Length] = line;
            _urcCount++;
        }

        /// <summary>Drops the next byte if it is an LF, waiting for it until the deadline.</summary>
        private void SkipLineFeed(long deadline)
        {
            while (_rxPos >= _rxCount)
            {
                long remaining = deadline - _clock.NowMs;
                if (remaining <= 0)
                {
                    return;
                }

                int r = _serial.Read(_rx, 0, _rx.Length, remaining > int.MaxValue ? int.MaxValue : (int)remaining);
                _rxPos = 0;
                _rxCount = r > 0 ? (r > _rx.Length ? _rx.Length : r) : 0;
            }

            if (_rx[_rxPos] == 10)
            {
                _rxPos++;
            }
        }

        /// <summary>Takes <paramref name="count"/> raw bytes, the buffered ones first, past the framer; returns how many arrived by the deadline.</summary>
        private int ReadRaw(byte[] buffer, int offset, int count, long deadline)
        {
            int got = 0;
            while (got < count)
            {
                if (_rxPos < _rxCount)
                {
                    int n = _rxCount - _rxPos;
                    if (n > count - got)
                    {
                        n = count - got;
                    }

                    System.Array.Copy(_rx, _rxPos, buffer, offset + got, n);
                    _rxPos += n;
                    got += n;
                    continue;
                }

                long remaining = deadline - _clock.NowMs;
                if (remaining <= 0)
                {
                    break;
                }

                int r = _serial.Read(_rx, 0, _rx.Length, remaining > int.MaxValue ? int.MaxValue : (int)remaining);
                _rxPos = 0;
                _rxCount = r > 0 ? (r > _rx.Length ? _rx.Length : r) : 0;
            }

            return got;
        }

        /// <summary>
        /// Feeds buffered bytes to the framer, reading more until an event or the deadline.
        /// Returns an <see cref="AtFrameEvent"/> value, or <see cref="EventTimeout"/>.
        /// </summary>
        private int Next(long deadline, bool promptWanted, int readLimit)
        {
            int reads = 0;
            while (true)
            {
                while (_rxPos < _rxCount)
                {
                    AtFrameEvent ev = _framer.Feed(_rx[_rxPos++], promptWanted);
                    if (ev != AtFrameEvent.None)
                    {
                        return (int)ev;
                    }
                }

                if (readLimit >= 0 && reads >= readLimit)
                {
                    return EventTimeout;
                }

                long remaining = deadline - _clock.NowMs;
                if (remaining < 0)
                {
                    remaining = 0;
                }

                int n = _serial.Read(_rx, 0, _rx.Length, remaining > int.MaxValue ? int.MaxValue : (int)remaining);
                reads++;
                if (n > 0)
                {
                    _rxPos = 0;
                    _rxCount = n > _rx.Length ? _rx.Length : n;
                    continue;
                }

                if (_clock.NowMs >= deadline)
                {
                    return EventTimeout;
                }
            }
        }
    }
}
