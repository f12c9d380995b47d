namespace Tracker.Core.Time
{
    /// <summary>
    /// The device's calendar clock, as the uplink needs it: TLS checks certificate validity dates,
    /// so the uplink does not connect before the clock is known to be right.
    /// </summary>
    /// <remarks>
    /// The ESP32 boots with its RTC at the epoch (or wherever the last run left it), and nanoFramework
    /// has no battery-backed clock, so the device sets the time from GNSS (RMC date and time) or from
    /// the modem (<c>AT+CCLK?</c>) and only then reports <see cref="IsValid"/>. Intervals are never
    /// measured with this clock: the uplink takes a monotonic millisecond tick in
    /// <c>UplinkEngine.Tick</c>, because setting the calendar clock makes it jump. The device's
    /// implementation is <see cref="CalendarClock"/>.
    /// </remarks>
    public interface IWallClock
    {
        /// <summary>
        /// True once the time was set from a trusted source (GNSS or the modem's network time), or
        /// reads at or after <see cref="ValidTime.MinUtcMs"/>.
        /// </summary>
        bool IsValid { get; }

        /// <summary>UTC now in milliseconds since the Unix epoch (meaningful only when <see cref="IsValid"/>).</summary>
        long UtcNowMs { get; }
    }
}
