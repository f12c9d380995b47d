using System;
using Tracker.Core.Fixes;

namespace Tracker.Device.Tests
{
    /// <summary>
    /// A synthetic drive, one fix a second, with every field known: enough variety (speed, course,
    /// altitude, HDOP changes) that the FixLog's delta coder uses every field mask.
    /// </summary>
    internal static class TestRoute
    {
        /// <summary>2025-06-01T08:00:00Z in ms since the Unix epoch.</summary>
        public const long StartMs = 1748764800000L;

        /// <summary>The fix at second <paramref name="i"/> of the drive.</summary>
        /// <param name="i">0, 1, 2...</param>
        /// <returns>The fix.</returns>
        public static Fix At(int i)
        {
            Fix f = Fix.Create(StartMs + (i * 1000L), 481173000 + (i * 137), 115167000 + (i * 211) - ((i % 17) * 40));
            f.AltCm = 52000 + ((i % 50) * 10);
            f.SpeedMmps = 8000 + ((i % 30) * 300);
            f.CourseCdeg = (i * 250) % 36000;
            f.HdopX100 = 80 + (i % 5);
            f.Satellites = 8 + (i % 4);
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            return f;
        }

        /// <summary>True when every field of the two fixes is equal.</summary>
        /// <param name="a">One fix.</param>
        /// <param name="b">The other.</param>
        /// <returns>Whether they are bit-exact copies.</returns>
        public static bool Same(Fix a, Fix b)
        {
            return a.TimeMs == b.TimeMs && a.LatE7 == b.LatE7 && a.LonE7 == b.LonE7 && a.AltCm == b.AltCm
                && a.SpeedMmps == b.SpeedMmps && a.CourseCdeg == b.CourseCdeg && a.HdopX100 == b.HdopX100
                && a.Satellites == b.Satellites && a.Mode == b.Mode && a.Quality == b.Quality;
        }

        /// <summary>The index of a route fix from its time.</summary>
        /// <param name="f">A fix made by <see cref="At"/>.</param>
        /// <returns>Its index.</returns>
        public static int IndexOf(Fix f)
        {
            return (int)((f.TimeMs - StartMs) / 1000);
        }
    }
}
