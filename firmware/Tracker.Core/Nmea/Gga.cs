using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// GGA, global positioning system fix data.
    /// <c>$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D</c>
    /// Fields: 1 UTC time, 2-3 latitude, 4-5 longitude, 6 quality (0 invalid, 1 GPS, 2 DGPS, 3 PPS,
    /// 4 RTK, 5 float RTK, 6 estimated, 7 manual, 8 simulator), 7 satellites used, 8 HDOP,
    /// 9-10 altitude above mean sea level and its unit (M), 11-12 geoid separation, 13-14 DGPS age and station.
    /// </summary>
    public struct Gga
    {
        /// <summary>UTC milliseconds since midnight, or <see cref="Unknown.Value"/>.</summary>
        public int TimeMs;

        /// <summary>True when latitude and longitude were sent.</summary>
        public bool HasPosition;

        /// <summary>Latitude in 1e-7 degrees.</summary>
        public int LatE7;

        /// <summary>Longitude in 1e-7 degrees.</summary>
        public int LonE7;

        /// <summary>Quality indicator 0 to 8, or <see cref="Unknown.Value"/>.</summary>
        public int Quality;

        /// <summary>Satellites used, or <see cref="Unknown.Value"/>.</summary>
        public int Satellites;

        /// <summary>HDOP times 100, or <see cref="Unknown.Value"/>.</summary>
        public int HdopX100;

        /// <summary>Altitude above mean sea level in cm, or <see cref="Unknown.Value"/>.</summary>
        public int AltCm;

        /// <summary>Binds the fields of a GGA sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Gga"/>.</param>
        /// <param name="gga">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Gga gga)
        {
            gga = new Gga();
            if (s.FieldCount < 10)
            {
                return false;
            }

            if (!Fields.TryOptionalTime(s, 1, out gga.TimeMs))
            {
                return false;
            }

            if (!Position.TryRead(s, 2, out gga.HasPosition, out gga.LatE7, out gga.LonE7))
            {
                return false;
            }

            if (!Fields.TryOptionalInt(s, 6, 0, 8, out gga.Quality)
                || !Fields.TryOptionalInt(s, 7, 0, 99, out gga.Satellites)
                || !Fields.TryOptionalScaled(s, 8, 2, 0, 99999, out gga.HdopX100))
            {
                return false;
            }

            return Fields.TryAltitude(s, 9, out gga.AltCm);
        }
    }
}
