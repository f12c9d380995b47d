namespace Tracker.Core.Fixes
{
    /// <summary>
    /// One position fix: everything the receiver said about a single epoch (one UTC time), merged
    /// from the sentences of that epoch. All quantities are integers so that the ESP32, which has no
    /// double-precision FPU, computes exactly what the host computes.
    /// </summary>
    /// <remarks>
    /// A field the receiver left empty holds <see cref="Unknown"/>; it is never zero. A
    /// <see cref="Fix"/> only exists for a valid position, so <see cref="LatE7"/>,
    /// <see cref="LonE7"/>, <see cref="TimeMs"/> and <see cref="Mode"/> are always known.
    /// </remarks>
    public struct Fix
    {
        /// <summary>Marks an optional field that the receiver did not report (<see cref="Tracker.Core.Common.Unknown.Value"/>, shared with the NMEA sentences).</summary>
        public const int Unknown = Tracker.Core.Common.Unknown.Value;

        /// <summary>UTC time of the epoch, in milliseconds since 1970-01-01T00:00:00Z.</summary>
        public long TimeMs;

        /// <summary>Latitude in 1e-7 degrees, north positive (-900000000 to 900000000).</summary>
        public int LatE7;

        /// <summary>Longitude in 1e-7 degrees, east positive (-1800000000 to 1800000000).</summary>
        public int LonE7;

        /// <summary>Altitude above mean sea level in centimetres, or <see cref="Unknown"/>.</summary>
        public int AltCm;

        /// <summary>Speed over ground in millimetres per second, or <see cref="Unknown"/>.</summary>
        public int SpeedMmps;

        /// <summary>Course over ground, degrees true, in 0.01 degree (0 to 35999), or <see cref="Unknown"/>.</summary>
        public int CourseCdeg;

        /// <summary>Horizontal dilution of precision times 100, or <see cref="Unknown"/>.</summary>
        public int HdopX100;

        /// <summary>Satellites used in the solution, or <see cref="Unknown"/>.</summary>
        public int Satellites;

        /// <summary>2D or 3D.</summary>
        public FixMode Mode;

        /// <summary>How the position was obtained (GGA quality indicator numbering).</summary>
        public FixQuality Quality;

        /// <summary>Returns a fix with every optional field set to <see cref="Unknown"/>.</summary>
        /// <param name="timeMs">UTC epoch milliseconds.</param>
        /// <param name="latE7">Latitude in 1e-7 degrees.</param>
        /// <param name="lonE7">Longitude in 1e-7 degrees.</param>
        public static Fix Create(long timeMs, int latE7, int lonE7)
        {
            Fix f = new Fix();
            f.TimeMs = timeMs;
            f.LatE7 = latE7;
            f.LonE7 = lonE7;
            f.AltCm = Unknown;
            f.SpeedMmps = Unknown;
            f.CourseCdeg = Unknown;
            f.HdopX100 = Unknown;
            f.Satellites = Unknown;
            f.Mode = FixMode.TwoD;
            f.Quality = FixQuality.Autonomous;
            return f;
        }
    }
}
