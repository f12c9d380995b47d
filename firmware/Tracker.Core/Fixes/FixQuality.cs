namespace Tracker.Core.Fixes
{
    /// <summary>
    /// How a position was obtained, numbered as the GGA quality indicator (field 6,
    /// <c>Tracker.Core.Nmea.GgaQuality</c>; a test holds the two to the same numbers). A value of 0 ("invalid") never appears in a
    /// <see cref="Fix"/>.
    /// </summary>
    public enum FixQuality
    {
        /// <summary>Stand-alone GNSS (GGA 1, FAA mode A).</summary>
        Autonomous = 1,

        /// <summary>Differential GNSS or SBAS (GGA 2, FAA mode D).</summary>
        Differential = 2,

        /// <summary>Precise positioning service (GGA 3, FAA mode P).</summary>
        Precise = 3,

        /// <summary>RTK with fixed integers (GGA 4, FAA mode R).</summary>
        RtkFixed = 4,

        /// <summary>RTK with float integers (GGA 5, FAA mode F).</summary>
        RtkFloat = 5,

        /// <summary>Dead reckoning (GGA 6, FAA mode E).</summary>
        Estimated = 6,

        /// <summary>Manual input (GGA 7, FAA mode M).</summary>
        Manual = 7,

        /// <summary>Simulator (GGA 8, FAA mode S).</summary>
        Simulated = 8,
    }
}
