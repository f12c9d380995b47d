using Tracker.Core.Common;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// The modem's real-time clock in <c>AT+CCLK</c> form: <c>"yy/MM/dd,hh:mm:ss±zz"</c>, local
    /// time with the zone in quarter hours (3GPP TS 27.007 §8.15; MAN §3.2.20): <c>+32</c> is
    /// +8 h, and UTC = local − zz × 15 min (NF <c>ModemBase.GetDateTime</c> does the same).
    /// </summary>
    public static class NetworkTime
    {
        /// <summary>
        /// Earliest year accepted as a synchronised clock. Before the network sets it, the SIM7080G
        /// reports <c>80/01/06</c> (the GPS epoch); any year before this firmware was written is as
        /// wrong for TLS certificate checks.
        /// </summary>
        public const int MinValidYear = 2024;

        private const long MsPerHour = 3600000L;
        private const long MsPerMinute = 60000L;

        /// <summary>Reads a <c>+CCLK</c> value and converts it to UTC.</summary>
        /// <param name="value">The text after <c>+CCLK:</c>, with or without its quotes.</param>
        /// <param name="utcMs">Milliseconds since the Unix epoch, UTC.</param>
        /// <returns>False when malformed, or when the clock was never synchronised (year 19xx or before <see cref="MinValidYear"/>).</returns>
        public static bool TryParseCclk(string value, out long utcMs)
        {
            utcMs = 0;
            if (value == null)
            {
                return false;
            }

            string s = AtText.Unquote(value.Trim());
            if (s.Length < 19 || s.Length > 21 || s[2] != '/' || s[5] != '/' || s[8] != ',' || s[11] != ':' || s[14] != ':')
            {
                return false;
            }

            char sign = s[17];
            if (sign != '+' && sign != '-')
            {
                return false;
            }

            int yy;
            int month;
            int day;
            int hour;
            int minute;
            int second;
            int zone;
            if (!Digits(s, 0, out yy) || !Digits(s, 3, out month) || !Digits(s, 6, out day)
                || !Digits(s, 9, out hour) || !Digits(s, 12, out minute) || !Digits(s, 15, out second)
                || !AtText.TryParseInt(s, 17, s.Length, out zone))
            {
                return false;
            }

            // The unsynchronised default is 80/01/06 (1980): a two-digit year from 70 up is the
            // previous century, never a valid clock.
            int year = yy >= 70 ? 1900 + yy : 2000 + yy;
            int days;
            if (year < MinValidYear || hour > 23 || minute > 59 || second > 59 || zone < -48 || zone > 56
                || !CivilDate.TryToDays(year, month, day, out days))
            {
                return false;
            }

            long local = (days * CivilDate.MsPerDay) + (hour * MsPerHour) + (minute * MsPerMinute) + (second * 1000L);
            utcMs = local - (zone * 15L * MsPerMinute);
            return true;
        }

        /// <summary>Formats a UTC time for <c>AT+CCLK=</c>, with zone <c>+00</c>.</summary>
        /// <param name="utcMs">Milliseconds since the Unix epoch.</param>
        /// <param name="text">The quoted value, for example <c>"26/03/01,12:00:00+00"</c>.</param>
        /// <returns>False when the year is outside 2000 to 2069 (not representable in two digits).</returns>
        public static bool TryFormatCclk(long utcMs, out string text)
        {
            text = string.Empty;
            if (utcMs < 0)
            {
                return false;
            }

            int days = (int)(utcMs / CivilDate.MsPerDay);
            long msOfDay = utcMs - (days * CivilDate.MsPerDay);
            int year;
            int month;
            int day;
            FromDays(days, out year, out month, out day);
            if (year < 2000 || year > 2069)
            {
                return false;
            }

            int seconds = (int)(msOfDay / 1000);
            text = string.Concat(new string[]
            {
                "\"", AtText.TwoDigits(year - 2000), "/", AtText.TwoDigits(month), "/", AtText.TwoDigits(day), ",",
                AtText.TwoDigits(seconds / 3600), ":", AtText.TwoDigits((seconds / 60) % 60), ":", AtText.TwoDigits(seconds % 60), "+00\"",
            });
            return true;
        }

        /// <summary>Days since 1970-01-01 to a Gregorian date (the inverse of <see cref="CivilDate.TryToDays"/>).</summary>
        private static void FromDays(int days, out int year, out int month, out int day)
        {
            int z = days + 719468;
            int era = z / 146097;
            int dayOfEra = z - (era * 146097);
            int yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
            int dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
            int shiftedMonth = ((5 * dayOfYear) + 2) / 153;
            day = dayOfYear - (((153 * shiftedMonth) + 2) / 5) + 1;
            month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
            year = (yearOfEra + (era * 400)) + (month <= 2 ? 1 : 0);
        }

        private static bool Digits(string s, int at, out int value)
        {
            value = 0;
            char a = s[at];
            char b = s[at + 1];
            if (a < '0' || a > '9' || b < '0' || b > '9')
            {
                return false;
            }

            value = ((a - '0') * 10) + (b - '0');
            return true;
        }
    }
}
