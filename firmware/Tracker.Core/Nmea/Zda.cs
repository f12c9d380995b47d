using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// ZDA, time and date.
    /// <c>$GPZDA,160012.71,11,03,2004,-1,00*7D</c>
    /// Fields: 1 UTC time, 2 day, 3 month, 4 four-digit year, 5-6 local zone hours and minutes (ignored:
    /// the tracker works in UTC).
    /// </summary>
    public struct Zda
    {
        /// <summary>UTC milliseconds since midnight, or <see cref="Unknown.Value"/>.</summary>
        public int TimeMs;

        /// <summary>Date as days since 1970-01-01, or <see cref="Unknown.Value"/>.</summary>
        public int Days;

        /// <summary>Binds the fields of a ZDA sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Zda"/>.</param>
        /// <param name="zda">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Zda zda)
        {
            zda = new Zda();
            zda.Days = Unknown.Value;
            if (s.FieldCount < 5 || !Fields.TryOptionalTime(s, 1, out zda.TimeMs))
            {
                return false;
            }

            bool anyDate = !s.IsEmpty(2) || !s.IsEmpty(3) || !s.IsEmpty(4);
            if (!anyDate)
            {
                return true;
            }

            int day;
            int month;
            int year;
            if (!s.TryGetInt(2, out day) || !s.TryGetInt(3, out month) || !s.TryGetInt(4, out year) || s.Length(4) != 4)
            {
                return false;
            }

            int days;
            if (!CivilDate.TryToDays(year, month, day, out days))
            {
                return false;
            }

            zda.Days = days;
            return true;
        }
    }
}
