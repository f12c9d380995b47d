using System;
using System.Threading;
using Tracker.Core.Modem;
using Tracker.Core.Time;

namespace Tracker.Device.Time
{
    /// <summary>
    /// The monotonic millisecond clock: <c>Environment.TickCount64</c>, which setting the calendar
    /// clock from GNSS does not move. The AT channel's timeouts, the uplink's periods and the GNSS
    /// idle detection all use it.
    /// </summary>
    internal sealed class TickClock : IMonotonicClock
    {
        /// <inheritdoc/>
        public long NowMs
        {
            get { return Environment.TickCount64; }
        }

        /// <inheritdoc/>
        public void Sleep(int ms)
        {
            Thread.Sleep(ms);
        }
    }
}
