namespace Tracker.Core.Time
{
    /// <summary>
    /// A real-time clock that can be read and set: the ESP32's RTC on the device (nanoFramework's
    /// <c>Rtc.SetSystemTime</c>), a simulated car's clock, or a replay's capture time on the host.
    /// <see cref="CalendarClock"/> decides when to set it.
    /// </summary>
    public interface IRealTimeClock
    {
        /// <summary>The time it reads, UTC ms since the Unix epoch.</summary>
        long UtcNowMs { get; }

        /// <summary>Sets it.</summary>
        /// <param name="utcMs">UTC ms since the Unix epoch.</param>
        /// <returns>False when the hardware refused.</returns>
        bool TrySet(long utcMs);
    }
}
