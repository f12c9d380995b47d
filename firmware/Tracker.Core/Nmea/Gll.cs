using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// GLL, geographic position.
    /// <c>$GPGLL,3925.9702,N,11945.9354,W,235234,A,A*56</c>
    /// Fields: 1-2 latitude, 3-4 longitude, 5 UTC time, 6 status (A valid, V not), 7 FAA mode (v2.3+).
    /// Receivers built to v1.5 stop after the longitude; their GLL carries no time or status.
    /// </summary>
    public struct Gll
    {
        /// <summary>True when latitude and longitude were sent.</summary>
        public bool HasPosition;

        /// <summary>Latitude in 1e-7 degrees.</summary>
        public int LatE7;

        /// <summary>Longitude in 1e-7 degrees.</summary>
        public int LonE7;

        /// <summary>UTC milliseconds since midnight, or <see cref="Unknown.Value"/>.</summary>
        public int TimeMs;

        /// <summary>Status A. A GLL without a status field is never treated as valid.</summary>
        public bool StatusValid;

        /// <summary>FAA mode indicator, or <see cref="FaaMode.Absent"/>.</summary>
        public char Mode;

        /// <summary>Binds the fields of a GLL sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Gll"/>.</param>
        /// <param name="gll">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Gll gll)
        {
            gll = new Gll();
            gll.TimeMs = Unknown.Value;
            if (s.FieldCount < 5 || !Position.TryRead(s, 1, out gll.HasPosition, out gll.LatE7, out gll.LonE7))
            {
                return false;
            }

            if (!Fields.TryOptionalTime(s, 5, out gll.TimeMs))
            {
                return false;
            }

            char status = s.Char(6);
            if (!s.IsEmpty(6) && status != 'A' && status != 'V')
            {
                return false;
            }

            gll.StatusValid = status == 'A';
            if (!s.IsEmpty(7))
            {
                gll.Mode = s.Char(7);
                if (gll.Mode == FaaMode.Absent)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
