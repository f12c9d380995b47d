namespace Tracker.Core.Common
{
    /// <summary>Proleptic Gregorian calendar arithmetic on integers.</summary>
    public static class CivilDate
    {
        /// <summary>Milliseconds in a day.</summary>
        public const long MsPerDay = 86400000L;

        /// <summary>
        /// Converts a calendar date to days since 1970-01-01, rejecting impossible dates (31 April,
        /// 29 February in a common year).
        /// </summary>
        /// <param name="year">Year, 1970 to 2999.</param>
        /// <param name="month">Month, 1 to 12.</param>
        /// <param name="day">Day of the month.</param>
        /// <param name="days">Days since the Unix epoch.</param>
        /// <returns>False when the date does not exist or is out of range.</returns>
        public static bool TryToDays(int year, int month, int day, out int days)
        {
            days = 0;
            if (year < 1970 || year > 2999 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month))
            {
                return false;
            }

            // Count from 1 March of year 0 so that the leap day falls at the end of the counted year.
            int y = month <= 2 ? year - 1 : year;
            int era = y / 400;
            int yearOfEra = y - (era * 400);
            int shiftedMonth = month > 2 ? month - 3 : month + 9;
            int dayOfYear = ((153 * shiftedMonth) + 2) / 5 + day - 1;
            int dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
            days = (era * 146097) + dayOfEra - 719468;
            return true;
        }

        /// <summary>Number of days in a month of a year.</summary>
        /// <param name="year">The year.</param>
        /// <param name="month">The month, 1 to 12.</param>
        /// <returns>28 to 31.</returns>
        public static int DaysInMonth(int year, int month)
        {
            if (month == 2)
            {
                bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            }

            return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
        }
    }
}
