using System.Threading;

namespace Tracker.Core.Time
{
    /// <summary>
    /// The calendar clock, as one rule for every car, real or simulated: a real-time clock that is set
    /// from trusted sources (a GNSS fix's time, the network's time through the modem), so that TLS can
    /// check certificate dates. The uplink waits for <see cref="IsValid"/>; the recorder offers every
    /// fix's time; the device offers the modem's network time while no fix has come.
    /// </summary>
    /// <remarks>
    /// <para>nanoFramework keeps no time across a power cut: the RTC starts at 1970 (DESIGN.md), so
    /// the clock is valid only once a trusted source set it, or when it reads a plausible time
    /// (<see cref="PlausibleFromUtcMs"/>: <see cref="ValidTime.MinUtcMs"/> on a device). The first
    /// plausible offer sets it; after that it is corrected only when a source disagrees by more than
    /// <see cref="ResyncThresholdMs"/>, which keeps it from stepping by a few milliseconds of UART
    /// latency on every fix.</para>
    /// <para>Thread-safe for one setter per source: the GNSS thread and the main loop may both offer.</para>
    /// </remarks>
    public sealed class CalendarClock : IWallClock
    {
        /// <summary>A trusted source that disagrees by more than this resets the clock.</summary>
        public const long ResyncThresholdMs = 2000;

        private readonly IRealTimeClock _rtc;
        private readonly long _plausibleFromUtcMs;
        private int _trusted;

        /// <summary>Creates the device's clock: times before <see cref="ValidTime.MinUtcMs"/> are never taken.</summary>
        /// <param name="rtc">The real-time clock.</param>
        public CalendarClock(IRealTimeClock rtc)
            : this(rtc, ValidTime.MinUtcMs)
        {
        }

        /// <summary>Creates a clock that takes times from <paramref name="plausibleFromUtcMs"/> on.</summary>
        /// <param name="rtc">The real-time clock.</param>
        /// <param name="plausibleFromUtcMs">
        /// The earliest time taken as right: <see cref="ValidTime.MinUtcMs"/> for a device; 0 for a
        /// replay that runs on a capture's own dates, whatever their year.
        /// </param>
        public CalendarClock(IRealTimeClock rtc, long plausibleFromUtcMs)
        {
            if (rtc == null)
            {
                throw new System.ArgumentNullException(nameof(rtc));
            }

            _rtc = rtc;
            _plausibleFromUtcMs = plausibleFromUtcMs;
        }

        /// <summary>The earliest time this clock takes as right.</summary>
        public long PlausibleFromUtcMs
        {
            get { return _plausibleFromUtcMs; }
        }

        /// <summary>How many times the clock was set.</summary>
        public int Sets { get; private set; }

        /// <summary>The source that set it last, or <see cref="TimeSource.None"/>.</summary>
        public TimeSource LastSource { get; private set; }

        /// <inheritdoc/>
        public bool IsValid
        {
            get { return _trusted != 0 || _rtc.UtcNowMs >= _plausibleFromUtcMs; }
        }

        /// <inheritdoc/>
        public long UtcNowMs
        {
            get { return _rtc.UtcNowMs; }
        }

        /// <summary>
        /// Offers a time from a trusted source: a GNSS fix's epoch (offer it as the fix arrives, so the
        /// UART latency is the only error) or the network's time.
        /// </summary>
        /// <param name="utcMs">UTC ms since the Unix epoch.</param>
        /// <param name="source">Where it came from.</param>
        /// <returns>True when the clock was set.</returns>
        public bool Offer(long utcMs, TimeSource source)
        {
            if (utcMs < _plausibleFromUtcMs)
            {
                return false;
            }

            long now = _rtc.UtcNowMs;
            long delta = now > utcMs ? now - utcMs : utcMs - now;
            if (_trusted != 0 && delta <= ResyncThresholdMs)
            {
                return false;
            }

            if (!_rtc.TrySet(utcMs))
            {
                return false;
            }

            Interlocked.Exchange(ref _trusted, 1);
            Sets++;
            LastSource = source;
            return true;
        }
    }
}
