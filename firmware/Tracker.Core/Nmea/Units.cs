using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>Integer unit conversions for NMEA fields.</summary>
    public static class Units
    {
        /// <summary>Milli-knots to millimetres per second (1 knot = 1852 m/h), rounded.</summary>
        /// <param name="milliKnots">Speed in 0.001 knot.</param>
        /// <returns>Speed in mm/s.</returns>
        public static long MilliKnotsToMmps(long milliKnots)
        {
            return ((milliKnots * 1852) + 1800) / 3600;
        }

        /// <summary>Metres per hour (0.001 km/h) to millimetres per second, rounded.</summary>
        /// <param name="metresPerHour">Speed in 0.001 km/h.</param>
        /// <returns>Speed in mm/s.</returns>
        public static long MetresPerHourToMmps(long metresPerHour)
        {
            return ((metresPerHour * 1000) + 1800) / 3600;
        }

        /// <summary>Largest speed accepted from a receiver, 1,000 m/s; anything faster is a damaged field.</summary>
        public const long MaxSpeedMmps = 1000000;

        /// <summary>
        /// Reads a speed-in-knots field into mm/s.
        /// </summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="mmps">Speed in mm/s, or <see cref="Unknown.Value"/>.</param>
        /// <returns>Empty, Ok, or Malformed for a negative, absurd or non-numeric value.</returns>
        public static FieldResult TryGetKnots(NmeaSentence s, int index, out int mmps)
        {
            return Convert(s, index, true, out mmps);
        }

        /// <summary>Reads a speed-in-km/h field into mm/s.</summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="mmps">Speed in mm/s, or <see cref="Unknown.Value"/>.</param>
        /// <returns>Empty, Ok, or Malformed.</returns>
        public static FieldResult TryGetKmh(NmeaSentence s, int index, out int mmps)
        {
            return Convert(s, index, false, out mmps);
        }

        /// <summary>
        /// Reads a course field (degrees, up to two decimals kept) into 0.01 degree, 0 to 35999;
        /// 360.00 is read as 0.
        /// </summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="cdeg">The course, or <see cref="Unknown.Value"/>.</param>
        /// <returns>Empty, Ok, or Malformed for negative or over 360.</returns>
        public static FieldResult TryGetCourse(NmeaSentence s, int index, out int cdeg)
        {
            cdeg = Unknown.Value;
            if (s.IsEmpty(index))
            {
                return FieldResult.Empty;
            }

            long v;
            if (!s.TryGetScaled(index, 2, out v) || v < 0 || v > 36000)
            {
                return FieldResult.Malformed;
            }

            cdeg = v == 36000 ? 0 : (int)v;
            return FieldResult.Ok;
        }

        private static FieldResult Convert(NmeaSentence s, int index, bool knots, out int mmps)
        {
            mmps = Unknown.Value;
            if (s.IsEmpty(index))
            {
                return FieldResult.Empty;
            }

            long v;
            if (!s.TryGetScaled(index, 3, out v) || v < 0 || v > 100000000)
            {
                return FieldResult.Malformed;
            }

            long r = knots ? MilliKnotsToMmps(v) : MetresPerHourToMmps(v);
            if (r > MaxSpeedMmps)
            {
                return FieldResult.Malformed;
            }

            mmps = (int)r;
            return FieldResult.Ok;
        }
    }
}
