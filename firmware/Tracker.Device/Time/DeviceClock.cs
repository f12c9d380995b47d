using System;
using System.Threading;
using nanoFramework.Runtime.Native;
using Tracker.Core.Uplink;
using Tracker.Device.Support;

namespace Tracker.Device.Time
{
    /// <summary>
    /// The calendar clock: the ESP32's RTC, set from GNSS (RMC date and time, carried in
    /// <c>Fix.TimeMs</c>) or from the modem's network time, so TLS can check certificate dates. It
    /// serves the uplink (which waits for <see cref="IsValid"/> before it connects) and the modem
    /// driver (which copies it into the modem when the network has not set the modem's clock).
    /// </summary>
    /// <remarks>
    /// nanoFramework keeps no time across a power cut: the clock starts at 1970 (DESIGN.md), so
    /// nothing may connect before <see cref="IsValid"/>. Once set, the clock is corrected again only
    /// when a trusted source disagrees by more than <see cref="ResyncThresholdMs"/>, which keeps it
    /// from stepping by a few milliseconds of UART latency on every fix.
    /// </remarks>
    internal sealed class DeviceClock : IWallClock
    {
        /// <summary>A trusted source that disagrees by more than this resets the clock.</summary>
        public const long ResyncThresholdMs = 2000;

        private int _trusted;

        /// <summary>How many times the clock was set (for the log and the status).</summary>
        public int Sets { get; private set; }

        /// <inheritdoc/>
        public bool IsValid
        {
            get { return _trusted != 0 || ValidTime.IsPlausible(UtcNowMs); }
        }

        /// <inheritdoc/>
        public long UtcNowMs
        {
            get
            {
                DateTime now = DateTime.UtcNow;
                return (now.ToUnixTimeSeconds() * 1000) + now.Millisecond;
            }
        }

        /// <summary>
        /// Offers a time from a trusted source: a GNSS fix's epoch (call it as the fix arrives, so the
        /// UART latency is the only error) or the modem's network time.
        /// </summary>
        /// <param name="utcMs">UTC ms since the Unix epoch.</param>
        /// <param name="source">"gnss" or "modem", for the log.</param>
        /// <returns>True when the clock was set.</returns>
        public bool Offer(long utcMs, string source)
        {
            if (!ValidTime.IsPlausible(utcMs))
            {
                return false;
            }

            long now = UtcNowMs;
            long delta = now > utcMs ? now - utcMs : utcMs - now;
            if (_trusted != 0 && delta <= ResyncThresholdMs)
            {
                return false;
            }

            DateTime time = DateTime.FromUnixTimeSeconds(utcMs / 1000).AddMilliseconds(utcMs % 1000);
            if (!Rtc.SetSystemTime(time))
            {
                return false;
            }

            Interlocked.Exchange(ref _trusted, 1);
            Sets++;
            DeviceLog.Info("clock", String.Concat("set from ", source, " to ", time.ToString("o")));
            return true;
        }
    }
}
