using Tracker.Core.Common;
using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// Dates the epochs: RMC and ZDA carry a date; an epoch without one takes the last known date,
    /// moved on a day when the time of day wrapped past midnight. Until a date is known no fix can be
    /// timed, so the latest valid undated epoch is held, and released when a date arrives within
    /// <see cref="MaxUndatedGapMs"/> after it. It also remembers the last fix's time, so an epoch
    /// that repeats it (a straggler of an epoch closed early) is not a second fix.
    /// </summary>
    internal sealed class DateKeeper
    {
        private const int HalfDayMs = 43200000;

        // How long before the first dated epoch an undated one may be, to be dated from it.
        private const int MaxUndatedGapMs = 60000;

        private readonly NmeaCounters _counters;
        private int _lastDays = Fix.Unknown;
        private int _lastTimeMs;
        private long _lastEmittedMs = long.MinValue;
        private bool _undatedHeld;
        private Fix _undated;

        /// <summary>Creates a keeper that counts the epochs it cannot date in <paramref name="counters"/>.</summary>
        /// <param name="counters">The reader's counters.</param>
        internal DateKeeper(NmeaCounters counters)
        {
            _counters = counters;
        }

        /// <summary>
        /// The date of an epoch at <paramref name="timeMs"/>: its own, or the last known one (a day
        /// later when the time of day wrapped). A known date is remembered for the next epochs.
        /// </summary>
        /// <param name="ownDays">The epoch's own date, or <see cref="Fix.Unknown"/>.</param>
        /// <param name="timeMs">The epoch's time of day.</param>
        /// <returns>Days since 1970, or <see cref="Fix.Unknown"/> while no date is known.</returns>
        internal int DateOf(int ownDays, int timeMs)
        {
            int days = ownDays;
            if (days == Fix.Unknown && _lastDays != Fix.Unknown)
            {
                days = _lastDays;
                if (timeMs < _lastTimeMs - HalfDayMs)
                {
                    days++;
                }
            }

            if (days != Fix.Unknown)
            {
                _lastDays = days;
                _lastTimeMs = timeMs;
            }

            return days;
        }

        /// <summary>True when an epoch on <paramref name="days"/> at <paramref name="timeMs"/> has the time of the last fix.</summary>
        /// <param name="days">The epoch's date.</param>
        /// <param name="timeMs">Its time of day.</param>
        /// <returns>Whether it repeats it.</returns>
        internal bool RepeatsLastFix(int days, int timeMs)
        {
            return ((long)days * CivilDate.MsPerDay) + timeMs == _lastEmittedMs;
        }

        /// <summary>Records the time of a fix that left.</summary>
        /// <param name="timeMs">Its UTC time, ms since 1970.</param>
        internal void Emitted(long timeMs)
        {
            _lastEmittedMs = timeMs;
        }

        /// <summary>Drops the held undated epoch, if any: a newer one replaces it, and it can no longer be dated reliably.</summary>
        internal void DiscardHeld()
        {
            if (_undatedHeld)
            {
                _counters.EpochsWithoutDate++;
            }

            _undatedHeld = false;
        }

        /// <summary>Holds an undated fix (built on day 0) until a date arrives.</summary>
        /// <param name="fix">The fix.</param>
        internal void Hold(Fix fix)
        {
            _undated = fix;
            _undatedHeld = true;
        }

        /// <summary>
        /// Dates the held epoch from the first dated one, on <paramref name="days"/> at
        /// <paramref name="timeMs"/>, when it was shortly before it (across midnight too).
        /// </summary>
        /// <param name="days">The dated epoch's date.</param>
        /// <param name="timeMs">Its time of day.</param>
        /// <param name="fix">The held fix, dated.</param>
        /// <returns>False when none was held, or it was too far before to share the date (counted).</returns>
        internal bool TryRelease(int days, int timeMs, out Fix fix)
        {
            fix = _undated;
            if (!_undatedHeld)
            {
                return false;
            }

            _undatedHeld = false;
            int held = (int)_undated.TimeMs;
            int gap = timeMs - held;
            if (gap < -HalfDayMs)
            {
                // The held epoch was before midnight, the dating one after.
                gap += (int)CivilDate.MsPerDay;
                days--;
            }

            // Only an epoch shortly before the dating one is sure to share its date.
            if (gap <= 0 || gap > MaxUndatedGapMs)
            {
                _counters.EpochsWithoutDate++;
                return false;
            }

            fix.TimeMs = ((long)days * CivilDate.MsPerDay) + held;
            return true;
        }

        /// <summary>Forgets the dates and the held epoch, as after a receiver restart.</summary>
        internal void Restart()
        {
            _undatedHeld = false;
            _lastDays = Fix.Unknown;
            _lastEmittedMs = long.MinValue;
        }
    }
}
