namespace Tracker.Core.Time
{
    /// <summary>The plausibility rule for the calendar clock before TLS.</summary>
    public static class ValidTime
    {
        /// <summary>
        /// 2024-01-01T00:00:00Z in ms since the Unix epoch. This firmware was written after it, and the
        /// fleet certificates are issued after it, so a clock that reads earlier was never set (the
        /// ESP32 RTC starts at 1970 after a power cut) and a TLS handshake would fail the validity
        /// check of the server certificate.
        /// </summary>
        public const long MinUtcMs = 1704067200000L;

        /// <summary>True when <paramref name="utcMs"/> is at or after <see cref="MinUtcMs"/>.</summary>
        /// <param name="utcMs">A UTC time in ms since the Unix epoch.</param>
        /// <returns>Whether a clock reading this may be trusted for TLS.</returns>
        public static bool IsPlausible(long utcMs)
        {
            return utcMs >= MinUtcMs;
        }
    }
}
