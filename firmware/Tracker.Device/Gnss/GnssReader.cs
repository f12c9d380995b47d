using System;
using System.IO.Ports;
using System.Threading;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Device.Support;
using Tracker.Device.Time;

namespace Tracker.Device.Gnss
{
    /// <summary>
    /// The GNSS thread: UART bytes, in whatever chunks the port delivers, into the shared core's
    /// <see cref="NmeaFixReader"/>; each fix sets the clock (first time), goes through the
    /// <see cref="ReportPolicy"/>, and the records are appended to the <see cref="FixLog"/> on I:.
    /// </summary>
    /// <remarks>
    /// The receiver sends one burst of sentences per epoch and is then silent for most of the
    /// second. The reader closes an epoch as soon as its last sentence type is seen; when the
    /// receiver's set of sentences varies, <see cref="IdleFlushMs"/> of silence closes it instead
    /// (<see cref="NmeaFixReader.Flush"/>), so a fix is never held until the next second. The same
    /// silence reads a last sentence that the receiver left without its line ending (when its
    /// checksum verifies; an incomplete one waits for the rest).
    /// The FixLog is thread-safe (Storage/README.md), so the uplink reads it from the main loop
    /// while this thread appends.
    /// </remarks>
    internal sealed class GnssReader
    {
        /// <summary>Silence after which the epoch in progress is closed.</summary>
        public const int IdleFlushMs = 200;

        private const int PollMs = 10;
        private const int CountersEveryMs = 60000;

        private readonly SerialPort _port;
        private readonly NmeaFixReader _reader = new NmeaFixReader();
        private readonly ReportPolicy _policy;
        private readonly FixLog _log;
        private readonly DeviceClock _clock;
        private readonly TickClock _ticks;
        private readonly StatusBoard _status;
        private readonly SoftwareWatchdog _watchdog;
        private readonly int _watchdogChannel;
        private readonly byte[] _buffer = new byte[512];
        private long _recorded;
        private long _storageErrors;

        /// <summary>Wires the reader; <see cref="Start"/> runs it.</summary>
        /// <param name="port">The GNSS port, open.</param>
        /// <param name="policy">The report policy built from the config.</param>
        /// <param name="log">The FixLog on I:.</param>
        /// <param name="clock">Set from the first plausible fix.</param>
        /// <param name="ticks">The monotonic clock.</param>
        /// <param name="status">Receives the last fix tick and the motion state.</param>
        /// <param name="watchdog">Kicked every pass.</param>
        public GnssReader(SerialPort port, ReportPolicy policy, FixLog log, DeviceClock clock, TickClock ticks, StatusBoard status, SoftwareWatchdog watchdog)
        {
            _port = port;
            _policy = policy;
            _log = log;
            _clock = clock;
            _ticks = ticks;
            _status = status;
            _watchdog = watchdog;
            _watchdogChannel = watchdog.Register("gnss");
        }

        /// <summary>Fixes the policy recorded (appended or not).</summary>
        public long Recorded
        {
            get { return _recorded; }
        }

        /// <summary>Starts the thread.</summary>
        public void Start()
        {
            Thread thread = new Thread(Run);
            thread.Start();
        }

        private void Run()
        {
            long lastByteMs = _ticks.NowMs;
            long lastCountersMs = lastByteMs;
            bool epochOpen = false;
            while (true)
            {
                _watchdog.Kick(_watchdogChannel);
                long now = _ticks.NowMs;
                int available = _port.BytesToRead;
                if (available > 0)
                {
                    int n = _port.Read(_buffer, 0, available < _buffer.Length ? available : _buffer.Length);
                    Consume(n);
                    lastByteMs = now;
                    epochOpen = true;
                }
                else
                {
                    if (epochOpen && now - lastByteMs >= IdleFlushMs)
                    {
                        _reader.Flush();
                        TakeFixes();
                        epochOpen = false;
                    }

                    Thread.Sleep(PollMs);
                }

                if (now - lastCountersMs >= CountersEveryMs)
                {
                    lastCountersMs = now;
                    LogCounters();
                }
            }
        }

        private void Consume(int count)
        {
            int used = 0;
            while (used < count)
            {
                used += _reader.Push(_buffer, used, count - used);
                TakeFixes();
            }
        }

        private void TakeFixes()
        {
            Fix fix;
            while (_reader.TryTakeFix(out fix))
            {
                OnFix(fix);
            }
        }

        private void OnFix(Fix fix)
        {
            _clock.Offer(fix.TimeMs, "gnss");
            ReportDecision decision = _policy.Decide(fix);
            _status.FixSeen(_ticks.NowMs, decision.Motion == MotionState.Moving);
            if (!decision.IsRecord)
            {
                return;
            }

            _recorded++;
            Fix record = decision.Fix;
            if (_log.Append(ref record) != FixLogResult.Ok)
            {
                _storageErrors++;
                if (_storageErrors == 1 || _storageErrors % 100 == 0)
                {
                    DeviceLog.Error("gnss", String.Concat("FixLog append failed (", _storageErrors.ToString(), " so far); the fix is not stored"));
                }
            }
        }

        private void LogCounters()
        {
            Tracker.Core.Nmea.NmeaCounters c = _reader.Counters;
            DeviceLog.Info("gnss", String.Concat(new string[]
            {
                "lines ", c.Lines.ToString(),
                ", fixes ", c.Fixes.ToString(),
                ", checksum errors ", c.ChecksumErrors.ToString(),
                ", malformed ", c.Malformed.ToString(),
                ", recorded ", _recorded.ToString(),
                ", pending ", _log.PendingCount.ToString(),
            }));
        }
    }
}
