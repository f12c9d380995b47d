using System;
using nanoFramework.Runtime.Native;
using Tracker.Core.Time;

namespace Tracker.Device.Time
{
    /// <summary>
    /// The ESP32's real-time clock: read as <c>DateTime.UtcNow</c>, set with
    /// <c>Rtc.SetSystemTime</c> (nanoFramework.Runtime.Native). The core's <see cref="CalendarClock"/>
    /// decides when to set it (from GNSS or the modem's network time); the uplink and the modem driver
    /// read it through that clock.
    /// </summary>
    internal sealed class EspRtc : IRealTimeClock
    {
        /// <inheritdoc/>
        public long UtcNowMs
        {
            get
            {
                DateTime now = DateTime.UtcNow;
                return (now.ToUnixTimeSeconds() * 1000) + now.Millisecond;
            }
        }

        /// <inheritdoc/>
        public bool TrySet(long utcMs)
        {
            DateTime time = DateTime.FromUnixTimeSeconds(utcMs / 1000).AddMilliseconds(utcMs % 1000);
            return Rtc.SetSystemTime(time);
        }
    }
}
