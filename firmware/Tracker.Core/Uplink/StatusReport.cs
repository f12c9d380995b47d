namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The content of a status message (format in Uplink/README.md): the tracker's health as the
    /// fleet operator sees it. A plain value; <see cref="StatusCodec"/> encodes and decodes it.
    /// </summary>
    public struct StatusReport
    {
        /// <summary>Marks an optional number that was not measured (empty is not zero).</summary>
        public const int Unknown = int.MinValue;

        /// <summary>Online, or the offline will.</summary>
        public StatusKind Kind;

        /// <summary>The ignition input.</summary>
        public IgnitionState Ignition;

        /// <summary>True while the report policy is in its moving profile.</summary>
        public bool Moving;

        /// <summary>True while someone watches the car (a live request has not expired).</summary>
        public bool Watched;

        /// <summary>Seconds since the firmware started.</summary>
        public long UptimeS;

        /// <summary>The device's UTC time in seconds since the Unix epoch, or <see cref="Unknown"/> when its clock is not valid.</summary>
        public long UtcS;

        /// <summary>Supply voltage in mV (0 to 65,535), or <see cref="Unknown"/>.</summary>
        public int SupplyMv;

        /// <summary>Backup-cell voltage in mV (0 to 65,535), or <see cref="Unknown"/> (no cell fitted, or format version 1).</summary>
        public int BackupMv;

        /// <summary>Signal strength in dBm, or <see cref="Unknown"/>.</summary>
        public int SignalDbm;

        /// <summary>Seconds since the last valid GNSS fix, or <see cref="Unknown"/> when there was none since boot.</summary>
        public int FixAgeS;

        /// <summary>Fixes in the store-and-forward log not yet acknowledged by the broker (FixLog.PendingCount).</summary>
        public long QueueDepth;

        /// <summary>Fixes the log dropped unsent because it was full, since boot (FixLog.Evictions).</summary>
        public long Evictions;

        /// <summary>Successful connections after the first, since boot.</summary>
        public long Reconnects;

        /// <summary>The firmware version (printable ASCII, at most 32 characters); empty for the offline will.</summary>
        public string FirmwareVersion;

        /// <summary>An offline will: every optional field unknown, every counter 0.</summary>
        /// <returns>The report.</returns>
        public static StatusReport CreateOffline()
        {
            StatusReport r = CreateOnline();
            r.Kind = StatusKind.Offline;
            return r;
        }

        /// <summary>An online report with every optional field unknown and every counter 0, to fill in.</summary>
        /// <returns>The report.</returns>
        public static StatusReport CreateOnline()
        {
            StatusReport r = default(StatusReport);
            r.Kind = StatusKind.Online;
            r.Ignition = IgnitionState.Unknown;
            r.UtcS = Unknown;
            r.SupplyMv = Unknown;
            r.BackupMv = Unknown;
            r.SignalDbm = Unknown;
            r.FixAgeS = Unknown;
            r.FirmwareVersion = string.Empty;
            return r;
        }
    }
}
