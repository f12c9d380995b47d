using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// VTG, course over ground and ground speed.
    /// <c>$GPVTG,181.39,T,,M,0.69,N,1.28,K,A*3B</c>
    /// Fields (v2.0+): 1 course true, 2 T, 3 course magnetic, 4 M, 5 speed knots, 6 N, 7 speed km/h,
    /// 8 K, 9 FAA mode (v2.3+). Receivers built to v1.5 send only the four numbers without unit
    /// letters (<c>$GPVTG,054.7,034.4,005.5,010.2</c>); both forms are read.
    /// </summary>
    public struct Vtg
    {
        /// <summary>Course over ground in 0.01 degree true, or <see cref="Unknown.Value"/>.</summary>
        public int CourseCdeg;

        /// <summary>Speed over ground in mm/s, or <see cref="Unknown.Value"/>.</summary>
        public int SpeedMmps;

        /// <summary>FAA mode indicator, or <see cref="FaaMode.Absent"/>.</summary>
        public char Mode;

        /// <summary>Binds the fields of a VTG sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Vtg"/>.</param>
        /// <param name="vtg">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Vtg vtg)
        {
            vtg = new Vtg();
            vtg.SpeedMmps = Unknown.Value;
            if (s.FieldCount < 5)
            {
                return false;
            }

            bool modern = s.Char(2) == 'T' || s.Char(4) == 'M' || s.Char(6) == 'N' || s.Char(8) == 'K';
            int knotsField = modern ? 5 : 3;
            int kmhField = modern ? 7 : 4;
            if (Units.TryGetCourse(s, 1, out vtg.CourseCdeg) == FieldResult.Malformed)
            {
                return false;
            }

            FieldResult speed = Units.TryGetKnots(s, knotsField, out vtg.SpeedMmps);
            if (speed == FieldResult.Malformed)
            {
                return false;
            }

            if (speed == FieldResult.Empty && Units.TryGetKmh(s, kmhField, out vtg.SpeedMmps) == FieldResult.Malformed)
            {
                return false;
            }

            if (modern && !s.IsEmpty(9))
            {
                vtg.Mode = s.Char(9);
                if (vtg.Mode == FaaMode.Absent)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
