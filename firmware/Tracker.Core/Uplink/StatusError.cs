namespace Tracker.Core.Uplink
{
    /// <summary>Why <see cref="StatusCodec.TryDecode"/> rejected a payload.</summary>
    public enum StatusError
    {
        /// <summary>No error.</summary>
        None = 0,

        /// <summary>Fewer bytes than the smallest message (6).</summary>
        TooShort = 1,

        /// <summary>Byte 0 is not a version this code reads.</summary>
        UnsupportedVersion = 2,

        /// <summary>The CRC-32 does not match: damaged, cut, or not a status message.</summary>
        BadCrc = 3,

        /// <summary>Byte 5 is not a known <see cref="StatusKind"/>.</summary>
        UnknownKind = 4,

        /// <summary>The message ends inside a field.</summary>
        Truncated = 5,

        /// <summary>The flags byte uses a reserved value (ignition code 3).</summary>
        BadFlags = 6,

        /// <summary>A number does not fit its field (for example a voltage above 65,535 mV).</summary>
        OutOfRange = 7,

        /// <summary>The firmware version is longer than 32 bytes or not printable ASCII.</summary>
        BadFirmwareVersion = 8,

        /// <summary>Bytes follow the last field.</summary>
        TrailingBytes = 9,
    }
}
