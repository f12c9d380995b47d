using System.Threading;
using Tracker.Core.Uplink;

namespace Tracker.Device.Status
{
    /// <summary>
    /// <see cref="IDeviceStatus"/> shared between the threads that know each value: the GNSS
    /// thread writes the last fix and the motion state, and the main loop writes ignition and
    /// signal. A 64-bit field is not written atomically on the ESP32, so every access takes a
    /// monitor (the <c>lock</c> statement is not available on the 1.x runtime).
    /// </summary>
    internal sealed class StatusBoard : IDeviceStatus
    {
        private readonly object _sync = new object();
        private readonly string _firmwareVersion;
        private int _supplyMv = StatusReport.Unknown;
        private int _backupMv = StatusReport.Unknown;
        private IgnitionState _ignition;
        private int _signalDbm = StatusReport.Unknown;
        private bool _moving;
        private long _lastFixTickMs = -1;

        /// <summary>Creates the board with every measurement unknown.</summary>
        /// <param name="firmwareVersion">The version the status message reports.</param>
        public StatusBoard(string firmwareVersion)
        {
            _firmwareVersion = firmwareVersion;
        }

        /// <inheritdoc/>
        public int SupplyMillivolts
        {
            get { return _supplyMv; }
            set { _supplyMv = value; }
        }

        /// <inheritdoc/>
        public int BackupMillivolts
        {
            get { return _backupMv; }
            set { _backupMv = value; }
        }

        /// <inheritdoc/>
        public IgnitionState Ignition
        {
            get { return _ignition; }
            set { _ignition = value; }
        }

        /// <inheritdoc/>
        public int SignalDbm
        {
            get { return _signalDbm; }
            set { _signalDbm = value; }
        }

        /// <inheritdoc/>
        public string FirmwareVersion
        {
            get { return _firmwareVersion; }
        }

        /// <inheritdoc/>
        public bool IsMoving
        {
            get { return _moving; }
        }

        /// <inheritdoc/>
        public long LastFixTickMs
        {
            get
            {
                Monitor.Enter(_sync);
                try
                {
                    return _lastFixTickMs;
                }
                finally
                {
                    Monitor.Exit(_sync);
                }
            }
        }

        /// <summary>Records a fix (GNSS thread).</summary>
        /// <param name="tickMs">The monotonic tick when it arrived.</param>
        /// <param name="moving">Whether the report policy is in its moving profile.</param>
        public void FixSeen(long tickMs, bool moving)
        {
            Monitor.Enter(_sync);
            try
            {
                _lastFixTickMs = tickMs;
                _moving = moving;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }
    }
}
