using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// GSA, GNSS DOP and active satellites.
    /// <c>$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33</c>
    /// Fields: 1 selection (M/A), 2 fix mode (1 none, 2 2D, 3 3D), 3-14 IDs of the satellites used,
    /// 15 PDOP, 16 HDOP, 17 VDOP, 18 GNSS system ID (v4.11+). Multi-constellation receivers send one
    /// GSA per constellation in the same epoch.
    /// </summary>
    public struct Gsa
    {
        /// <summary>Fix mode 1, 2 or 3, or <see cref="Unknown.Value"/>.</summary>
        public int Mode;

        /// <summary>Number of satellite ID fields filled in.</summary>
        public int SatellitesUsed;

        /// <summary>PDOP times 100, or <see cref="Unknown.Value"/>.</summary>
        public int PdopX100;

        /// <summary>HDOP times 100, or <see cref="Unknown.Value"/>.</summary>
        public int HdopX100;

        /// <summary>VDOP times 100, or <see cref="Unknown.Value"/>.</summary>
        public int VdopX100;

        /// <summary>Binds the fields of a GSA sentence.</summary>
        /// <param name="s">A sentence whose type is <see cref="SentenceType.Gsa"/>.</param>
        /// <param name="gsa">The values; unreported ones are <see cref="Unknown.Value"/>.</param>
        /// <returns>False when any field is malformed.</returns>
        public static bool TryParse(NmeaSentence s, out Gsa gsa)
        {
            gsa = new Gsa();
            if (s.FieldCount < 18 || !Fields.TryOptionalInt(s, 2, 1, 3, out gsa.Mode))
            {
                return false;
            }

            for (int i = 3; i <= 14; i++)
            {
                if (s.IsEmpty(i))
                {
                    continue;
                }

                int id;
                if (!s.TryGetInt(i, out id))
                {
                    return false;
                }

                gsa.SatellitesUsed++;
            }

            return Fields.TryOptionalScaled(s, 15, 2, 0, 99999, out gsa.PdopX100)
                && Fields.TryOptionalScaled(s, 16, 2, 0, 99999, out gsa.HdopX100)
                && Fields.TryOptionalScaled(s, 17, 2, 0, 99999, out gsa.VdopX100);
        }
    }
}
