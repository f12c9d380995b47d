using Tracker.Core.Storage;
using Tracker.Core.Time;

namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The car's status message (Uplink/README.md, "Status"): when one is due (on every connection,
    /// every <see cref="UplinkOptions.StatusPeriodMs"/>, and on an ignition change at most every
    /// <see cref="UplinkEngine.MinStatusGapMs"/>), and what it says (ignition, motion, watch, uptime,
    /// clock, supply, signal, fix age, queue, evictions, reconnects, firmware). At most one is in
    /// flight. Its buffer is allocated once.
    /// </summary>
    internal sealed class StatusReporter
    {
        private readonly byte[] _buffer = new byte[StatusCodec.MaxBytes];
        private readonly IWallClock _clock;
        private readonly IDeviceStatus _device;
        private readonly FixLog _log;
        private readonly int _periodMs;
        private bool _requested;
        private bool _sentYet;
        private long _lastMs;
        private IgnitionState _lastIgnition;

        /// <summary>Creates the reporter.</summary>
        /// <param name="clock">The calendar clock, reported when valid.</param>
        /// <param name="device">The device's readings.</param>
        /// <param name="log">The log, for the queue depth and evictions.</param>
        /// <param name="periodMs">The status period.</param>
        internal StatusReporter(IWallClock clock, IDeviceStatus device, FixLog log, int periodMs)
        {
            _clock = clock;
            _device = device;
            _log = log;
            _periodMs = periodMs;
        }

        /// <summary>The encoded message (after <see cref="Encode"/>).</summary>
        internal byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>True while the last status message awaits its outcome.</summary>
        internal bool InFlight { get; set; }

        /// <summary>Asks for a status message as soon as possible (a new connection).</summary>
        internal void Request()
        {
            _requested = true;
        }

        /// <summary>True when a status message is due now: requested, never sent, the period is over, or the ignition changed.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="ignition">The ignition now (read once, so the message reports what was checked).</param>
        /// <returns>Whether to send one.</returns>
        internal bool IsDue(long nowMs, out IgnitionState ignition)
        {
            ignition = _device.Ignition;
            long since = nowMs - _lastMs;
            return _requested
                || !_sentYet
                || since >= _periodMs
                || (ignition != _lastIgnition && since >= UplinkEngine.MinStatusGapMs);
        }

        /// <summary>Encodes the status now into <see cref="Buffer"/>.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="uptimeMs">Ticks since the engine started.</param>
        /// <param name="ignition">The ignition reported (the one <see cref="IsDue"/> saw).</param>
        /// <param name="watched">True while a watch request holds.</param>
        /// <param name="reconnects">Reconnects so far.</param>
        /// <returns>The message's length.</returns>
        internal int Encode(long nowMs, long uptimeMs, IgnitionState ignition, bool watched, long reconnects)
        {
            StatusReport report = StatusReport.CreateOnline();
            report.Ignition = ignition;
            report.Moving = _device.IsMoving;
            report.Watched = watched;
            report.UptimeS = uptimeMs / 1000;
            if (_clock.IsValid)
            {
                report.UtcS = _clock.UtcNowMs / 1000;
            }

            report.SupplyMv = _device.SupplyMillivolts;
            report.BackupMv = _device.BackupMillivolts;
            report.SignalDbm = _device.SignalDbm;
            long lastFix = _device.LastFixTickMs;
            if (lastFix >= 0 && nowMs >= lastFix)
            {
                long age = (nowMs - lastFix) / 1000;
                report.FixAgeS = age > int.MaxValue ? int.MaxValue : (int)age;
            }

            report.QueueDepth = _log.PendingCount;
            report.Evictions = _log.Evictions;
            report.Reconnects = reconnects;
            report.FirmwareVersion = _device.FirmwareVersion;
            return StatusCodec.Encode(ref report, _buffer, 0);
        }

        /// <summary>Records that the message encoded last was published.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="ignition">The ignition it reported.</param>
        internal void Sent(long nowMs, IgnitionState ignition)
        {
            InFlight = true;
            _requested = false;
            _sentYet = true;
            _lastMs = nowMs;
            _lastIgnition = ignition;
        }
    }
}
