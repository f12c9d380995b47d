namespace Tracker.Core.Nmea
{
    /// <summary>The outcome of checking a line's NMEA checksum.</summary>
    public enum ChecksumResult
    {
        /// <summary>The checksum is present and correct.</summary>
        Valid,

        /// <summary>The line has no <c>*hh</c> checksum. GNSS receivers always send one, so such a line is rejected.</summary>
        Missing,

        /// <summary>Something other than two hexadecimal digits follows the <c>*</c>.</summary>
        Malformed,

        /// <summary>The checksum does not match the characters: the line was damaged.</summary>
        Mismatch,
    }
}
