namespace Tracker.Core.Nmea
{
    /// <summary>
    /// The GGA quality indicator (NMEA 0183 v4.11 §8.3.38, field 6), which the FAA mode letters of
    /// RMC, GLL, VTG and GNS map onto. the fix's <c>FixQuality</c> uses the same
    /// numbers (a test holds them equal).
    /// </summary>
    public static class GgaQuality
    {
        /// <summary>0: fix not available or invalid.</summary>
        public const int Invalid = 0;

        /// <summary>1: GPS (autonomous) fix.</summary>
        public const int Autonomous = 1;

        /// <summary>2: differential GPS fix.</summary>
        public const int Differential = 2;

        /// <summary>3: PPS (precise) fix.</summary>
        public const int Precise = 3;

        /// <summary>4: real-time kinematic, integer ambiguities fixed.</summary>
        public const int RtkFixed = 4;

        /// <summary>5: real-time kinematic, float ambiguities.</summary>
        public const int RtkFloat = 5;

        /// <summary>6: estimated (dead reckoning).</summary>
        public const int Estimated = 6;

        /// <summary>7: manual input.</summary>
        public const int Manual = 7;

        /// <summary>8: simulator.</summary>
        public const int Simulated = 8;
    }
}
