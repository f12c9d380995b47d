using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>
    /// The FAA mode indicator added in NMEA 0183 v2.3 to RMC, GLL, VTG and (one per constellation) GNS.
    /// </summary>
    public static class FaaMode
    {
        /// <summary>Marks a mode indicator that was not sent (receivers older than v2.3).</summary>
        public const char Absent = '\0';

        /// <summary>True when the indicator says "data not valid" (N) or is not a known letter.</summary>
        /// <param name="mode">The indicator character, or <see cref="Absent"/>.</param>
        /// <returns>Whether the sentence's position must not be used.</returns>
        public static bool IsInvalid(char mode)
        {
            return mode != Absent && Quality(mode) == 0;
        }

        /// <summary>Maps an indicator to the GGA quality numbering.</summary>
        /// <param name="mode">The indicator character.</param>
        /// <returns>The quality, or 0 for N, absent and unknown letters.</returns>
        public static int Quality(char mode)
        {
            switch (mode)
            {
                case 'A': return GgaQuality.Autonomous;
                case 'D': return GgaQuality.Differential;
                case 'P': return GgaQuality.Precise;
                case 'R': return GgaQuality.RtkFixed;
                case 'F': return GgaQuality.RtkFloat;
                case 'E': return GgaQuality.Estimated;
                case 'M': return GgaQuality.Manual;
                case 'S': return GgaQuality.Simulated;
                default: return 0;
            }
        }
    }
}
