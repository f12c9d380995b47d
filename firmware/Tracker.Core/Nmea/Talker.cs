namespace Tracker.Core.Nmea
{
    /// <summary>The GNSS talker identifiers this tracker reads (NMEA 0183 v4.11 Table 7).</summary>
    public enum Talker
    {
        /// <summary>Any other talker (instruments, AIS, ...): its sentences are counted and skipped.</summary>
        Unknown = 0,

        /// <summary>GP: GPS.</summary>
        Gp,

        /// <summary>GL: GLONASS.</summary>
        Gl,

        /// <summary>GA: Galileo.</summary>
        Ga,

        /// <summary>GB: BeiDou (NMEA 4.11).</summary>
        Gb,

        /// <summary>BD: BeiDou (pre-4.11 receivers).</summary>
        Bd,

        /// <summary>GQ: QZSS (NMEA 4.11).</summary>
        Gq,

        /// <summary>QZ: QZSS (pre-4.11 receivers).</summary>
        Qz,

        /// <summary>GI: NavIC (IRNSS).</summary>
        Gi,

        /// <summary>GN: combined multi-constellation solution.</summary>
        Gn,
    }
}
