namespace Tracker.Core.Uplink
{
    /// <summary>
    /// What the device tells the uplink about itself, for the status message and the live-mode rule.
    /// The device implements it over its ADC, the ignition input, the modem and the GNSS pipeline.
    /// </summary>
    /// <remarks>
    /// The uplink reads these from <see cref="UplinkEngine.Tick"/>, so each getter must return at
    /// once: return a value cached by whoever measures it (for example the signal quality from the
    /// modem driver's last <c>AT+CSQ</c>), never do I/O here.
    /// </remarks>
    public interface IDeviceStatus
    {
        /// <summary>Supply voltage in millivolts, or <see cref="StatusReport.Unknown"/>.</summary>
        int SupplyMillivolts { get; }

        /// <summary>Backup-cell voltage in millivolts, or <see cref="StatusReport.Unknown"/> (no cell fitted or no sense pin).</summary>
        int BackupMillivolts { get; }

        /// <summary>The ignition input.</summary>
        IgnitionState Ignition { get; }

        /// <summary>Received signal strength in dBm (for example from <c>AT+CSQ</c>, or Wi-Fi RSSI), or <see cref="StatusReport.Unknown"/>.</summary>
        int SignalDbm { get; }

        /// <summary>The firmware version, printable ASCII, at most <see cref="StatusCodec.MaxFirmwareVersionLength"/> characters.</summary>
        string FirmwareVersion { get; }

        /// <summary>True while the report policy is in its moving profile (one input of the live-mode rule).</summary>
        bool IsMoving { get; }

        /// <summary>
        /// The monotonic tick (the same millisecond clock the device passes to
        /// <see cref="UplinkEngine.Tick"/>) of the last valid GNSS fix, or -1 when there was none
        /// since boot.
        /// </summary>
        long LastFixTickMs { get; }
    }
}
