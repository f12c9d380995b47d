namespace Tracker.Core.Uplink
{
    /// <summary>
    /// An <see cref="IDeviceStatus"/> whose values are set from outside: the host's simulated fleet,
    /// the bench replay and tests use it, and the device may feed it from its own loop.
    /// </summary>
    public sealed class DeviceStatusValues : IDeviceStatus
    {
        /// <summary>Creates values that say nothing is known yet.</summary>
        /// <param name="firmwareVersion">The firmware version to report.</param>
        public DeviceStatusValues(string firmwareVersion)
        {
            if (firmwareVersion == null)
            {
                throw new System.ArgumentNullException(nameof(firmwareVersion));
            }

            FirmwareVersion = firmwareVersion;
            SupplyMillivolts = StatusReport.Unknown;
            BackupMillivolts = StatusReport.Unknown;
            SignalDbm = StatusReport.Unknown;
            Ignition = IgnitionState.Unknown;
            LastFixTickMs = -1;
        }

        /// <inheritdoc/>
        public int SupplyMillivolts { get; set; }

        /// <inheritdoc/>
        public int BackupMillivolts { get; set; }

        /// <inheritdoc/>
        public IgnitionState Ignition { get; set; }

        /// <inheritdoc/>
        public int SignalDbm { get; set; }

        /// <inheritdoc/>
        public string FirmwareVersion { get; set; }

        /// <inheritdoc/>
        public bool IsMoving { get; set; }

        /// <inheritdoc/>
        public long LastFixTickMs { get; set; }
    }
}
