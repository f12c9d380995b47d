namespace Tracker.Core.Nmea
{
    /// <summary>The sentence types the tracker reads, and the two kinds it counts and skips.</summary>
    public enum SentenceType
    {
        /// <summary>A standard sentence the tracker does not use (GSV, RMB, BOD, TXT, ...).</summary>
        Unknown = 0,

        /// <summary>A proprietary sentence (<c>$P</c> + manufacturer code), e.g. Garmin PGRME.</summary>
        Proprietary,

        /// <summary>Recommended minimum specific GNSS data.</summary>
        Rmc,

        /// <summary>Global positioning system fix data.</summary>
        Gga,

        /// <summary>GNSS fix data (multi-constellation GGA).</summary>
        Gns,

        /// <summary>GNSS DOP and active satellites.</summary>
        Gsa,

        /// <summary>Course over ground and ground speed.</summary>
        Vtg,

        /// <summary>Geographic position, latitude and longitude.</summary>
        Gll,

        /// <summary>Time and date.</summary>
        Zda,
    }
}
