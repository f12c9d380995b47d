using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// GNS, GNSS fix data: GGA for multi-constellation receivers.
    /// <c>$GNGNS,122310.2,3722.425671,N,12258.856215,W,AAN,14,0.9,1005.543,6.5,,*5C</c>
    /// Fields: 1 UTC time, 2-3 latitude, 4-5 longitude, 6 mode indicator (one FAA letter per
    /// constellation: GPS, GLONASS, Galileo, BeiDou, QZSS, NavIC), 7 satellites used, 8 HDOP,
    /// 9 altitude above mean sea level (m), 10 geoid separation, 11-12 DGPS age and station,
    /// 13 navigational status (v4.1+).
    /// </summary>
    public struct Gns
    {
        /// <summary>UTC milliseconds since midnight, or <see cref="Unknown.Value"/>.</summary>
        public int TimeMs;

        /// <summary>True when latitude and longitude were sent.</summary>
        public bool HasPosition;

        /// <summary>Latitude in 1e-7 degrees.</summary>
        public int LatE7;

        /// <summary>Longitude in 1e-7 degrees.</summary>
        public int LonE7;

        /// <summary>The best quality among the constellations' mode letters (GGA numbering), 0 when all are N.</summary>
        public int Quality;

        /// <summary>Satellites used, or <see cref="Unknown.Value"/>.</summary>
        public int Satellites;

        /// <summary>HDOP times 100, or <see cref="Unknown.Value"/>.</summary>
        public int HdopX100;

        /// <summary>Altitude above mean sea level in cm, or <see cref="Unknown.Value"/>.</summary>
        public int AltCm;

        /// <summary>Binds the fields of a GNS sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Gns"/>.</param>
        /// <param name="gns">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Gns gns)
        {
            gns = new Gns();
            if (s.FieldCount < 10 || !Fields.TryOptionalTime(s, 1, out gns.TimeMs))
            {
                return false;
            }

            if (!Position.TryRead(s, 2, out gns.HasPosition, out gns.LatE7, out gns.LonE7))
            {
                return false;
            }

            // The mode field is mandatory: one letter per constellation, at least one.
            int letters = s.Length(6);
            if (letters < 1 || letters > 8)
            {
                return false;
            }

            for (int i = 0; i < letters; i++)
            {
                char c = s.CharAt(6, i);
                int q = FaaMode.Quality(c);
                if (q == 0 && c != 'N')
                {
                    return false;
                }

                // Prefer the stronger solution type: RTK fixed > float > differential/precise > autonomous > estimated.
                if (Rank(q) > Rank(gns.Quality))
                {
                    gns.Quality = q;
                }
            }

            if (!Fields.TryOptionalInt(s, 7, 0, 99, out gns.Satellites)
                || !Fields.TryOptionalScaled(s, 8, 2, 0, 99999, out gns.HdopX100)
                || !Fields.TryOptionalScaled(s, 9, 2, -1000000, 10000000, out gns.AltCm))
            {
                return false;
            }

            return true;
        }

        private static int Rank(int quality)
        {
            switch (quality)
            {
                case GgaQuality.RtkFixed: return 7;
                case GgaQuality.RtkFloat: return 6;
                case GgaQuality.Precise: return 5;
                case GgaQuality.Differential: return 4;
                case GgaQuality.Autonomous: return 3;
                case GgaQuality.Estimated: return 2;
                case 0: return 0;
                default: return 1;
            }
        }
    }
}
