using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// RMC, recommended minimum specific GNSS data.
    /// <c>$GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A*7D</c>
    /// Fields: 1 UTC time, 2 status (A valid, V warning), 3-4 latitude, 5-6 longitude, 7 speed (knots),
    /// 8 course (degrees true), 9 date ddmmyy, 10-11 magnetic variation, 12 FAA mode (v2.3+),
    /// 13 navigational status (v4.1+, ignored).
    /// </summary>
    public struct Rmc
    {
        /// <summary>UTC milliseconds since midnight, or <see cref="Unknown.Value"/>.</summary>
        public int TimeMs;

        /// <summary>Status A: the receiver says the data is valid.</summary>
        public bool StatusValid;

        /// <summary>True when latitude and longitude were sent.</summary>
        public bool HasPosition;

        /// <summary>Latitude in 1e-7 degrees.</summary>
        public int LatE7;

        /// <summary>Longitude in 1e-7 degrees.</summary>
        public int LonE7;

        /// <summary>Speed over ground in mm/s, or <see cref="Unknown.Value"/>.</summary>
        public int SpeedMmps;

        /// <summary>Course over ground in 0.01 degree true, or <see cref="Unknown.Value"/>.</summary>
        public int CourseCdeg;

        /// <summary>Date as days since 1970-01-01, or <see cref="Unknown.Value"/>.</summary>
        public int Days;

        /// <summary>FAA mode indicator, or <see cref="FaaMode.Absent"/>.</summary>
        public char Mode;

        /// <summary>Binds the fields of an RMC sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Rmc"/>.</param>
        /// <param name="rmc">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Rmc rmc)
        {
            rmc = new Rmc();
            rmc.Days = Unknown.Value;
            if (s.FieldCount < 10)
            {
                return false;
            }

            if (!Fields.TryOptionalTime(s, 1, out rmc.TimeMs))
            {
                return false;
            }

            char status = s.Char(2);
            if (status != 'A' && status != 'V')
            {
                return false;
            }

            rmc.StatusValid = status == 'A';
            if (!Position.TryRead(s, 3, out rmc.HasPosition, out rmc.LatE7, out rmc.LonE7))
            {
                return false;
            }

            if (Units.TryGetKnots(s, 7, out rmc.SpeedMmps) == FieldResult.Malformed
                || Units.TryGetCourse(s, 8, out rmc.CourseCdeg) == FieldResult.Malformed)
            {
                return false;
            }

            int days;
            FieldResult r = s.TryGetDate(9, out days);
            if (r == FieldResult.Malformed)
            {
                return false;
            }

            if (r == FieldResult.Ok)
            {
                rmc.Days = days;
            }

            rmc.Mode = s.IsEmpty(12) ? FaaMode.Absent : s.Char(12);
            if (!s.IsEmpty(12) && rmc.Mode == FaaMode.Absent)
            {
                return false;
            }

            return true;
        }
    }
}
