using System;
using System.IO.Ports;
using System.Threading;
using Tracker.Core.Fixes;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Time;
using Tracker.Device.Status;
using Tracker.Device.Support;
using Tracker.Device.Time;

namespace Tracker.Device.Gnss
{
    /// <summary>
    /// The GNSS thread: UART bytes, in whatever chunks the port delivers, into the shared core's
    /// <see cref="FixRecorder"/> (NMEA reader, clock from GNSS, report policy, FixLog on I:), with the
    /// status board told of every fix.
    /// </summary>
    /// <remarks>
    /// The receiver sends one burst of sentences per epoch and is then silent for most of the
    /// second. The reader closes an epoch as soon as its last sentence type is seen; when the
    /// receiver's set of sentences varies, <see cref="IdleFlushMs"/> of silence closes it instead
    /// (<see cref="FixRecorder.Flush"/>), so a fix is never held until the next second. The same
    /// silence reads a last sentence that the receiver left without its line ending (when its
    /// checksum verifies; an incomplete one waits for the rest).
    /// The FixLog is thread-safe (Storage/README.md), so the uplink reads it from the main loop
    /// while this thread appends. A remote config change replaces the recorder (a new report policy)
    /// from the main loop through <see cref="Replace"/>, under the same lock as every push.
    /// </remarks>
    internal sealed class GnssReader : IFixObserver
    {
        /// <summary>Silence after which the epoch in progress is closed.</summary>
        public const int IdleFlushMs = 200;

        private const int PollMs = 10;
        private const int CountersEveryMs = 60000;

        private readonly SerialPort _port;
        private readonly object _gate = new object();
        private FixRecorder _recorder;
        private readonly CalendarClock _clock;
        private readonly TickClock _ticks;
        private readonly StatusBoard _status;
        private readonly SoftwareWatchdog _watchdog;
        private readonly int _watchdogChannel;
        private readonly byte[] _buffer = new byte[512];
        private int _clockSets;

        /// <summary>Wires the reader; <see cref="Start"/> runs it.</summary>
        /// <param name="port">The GNSS port, open.</param>
        /// <param name="recorder">The recorder (its policy built from the config, its log on I:).</param>
        /// <param name="clock">The calendar clock the recorder sets, for the log line when it does.</param>
        /// <param name="ticks">The monotonic clock.</param>
        /// <param name="status">Receives the last fix tick and the motion state.</param>
        /// <param name="watchdog">Kicked every pass.</param>
        public GnssReader(SerialPort port, FixRecorder recorder, CalendarClock clock, TickClock ticks, StatusBoard status, SoftwareWatchdog watchdog)
        {
            _port = port;
            _recorder = recorder;
            _clock = clock;
            _ticks = ticks;
            _status = status;
            _watchdog = watchdog;
            _watchdogChannel = watchdog.Register("gnss");
            _clockSets = clock.Sets;
            recorder.Observe(this);
        }

        /// <summary>Fixes the log took (by the current recorder).</summary>
        public long Recorded
        {
            get
            {
                lock (_gate)
                {
                    return _recorder.Recorded;
                }
            }
        }

        /// <summary>
        /// Runs a new recorder from the next byte on (a live report-policy change, Control/README.md §1): the epoch in
        /// progress is closed by the old one first, so no fix is lost, and the new one reads from a clean line.
        /// </summary>
        /// <param name="next">The recorder with the new policy, over the same FixLog and clock.</param>
        public void Replace(FixRecorder next)
        {
            lock (_gate)
            {
                _recorder.Flush();
                next.Observe(this);
                _recorder = next;
            }
        }

        /// <summary>Starts the thread.</summary>
        public void Start()
        {
            Thread thread = new Thread(Run);
            thread.Start();
        }

        /// <inheritdoc/>
        public void FixHandled(ref Fix fix, ref ReportDecision decision, RecordOutcome outcome)
        {
            _status.FixSeen(_ticks.NowMs, decision.Motion == MotionState.Moving);
            if (_clock.Sets != _clockSets)
            {
                _clockSets = _clock.Sets;
                DeviceLog.Info("clock", String.Concat("set from gnss to ", DateTime.UtcNow.ToString("o")));
            }

            long failures = _recorder.AppendFailures; // on this thread, inside Push or Flush, under the lock
            if (outcome == RecordOutcome.StorageFailed && (failures == 1 || failures % 100 == 0))
            {
                DeviceLog.Error("gnss", String.Concat("FixLog append failed (", failures.ToString(), " so far); the fix is not stored"));
            }
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
                    lock (_gate)
                    {
                        _recorder.Push(_buffer, 0, n);
                    }

                    lastByteMs = now;
                    epochOpen = true;
                }
                else
                {
                    if (epochOpen && now - lastByteMs >= IdleFlushMs)
                    {
                        lock (_gate)
                        {
                            _recorder.Flush();
                        }

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

        private void LogCounters()
        {
            FixRecorder recorder;
            lock (_gate)
            {
                recorder = _recorder;
            }

            Tracker.Core.Nmea.NmeaCounters c = recorder.Reader.Counters;
            DeviceLog.Info("gnss", String.Concat(new string[]
            {
                "lines ", c.Lines.ToString(),
                ", fixes ", c.Fixes.ToString(),
                ", checksum errors ", c.ChecksumErrors.ToString(),
                ", malformed ", c.Malformed.ToString(),
                ", recorded ", recorder.Recorded.ToString(),
                ", pending ", recorder.Log.PendingCount.ToString(),
            }));
        }
    }
}
