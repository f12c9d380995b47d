namespace Tracker.Core.Fixes
{
    /// <summary>The dimension of a fix, numbered as in GSA field 2 (NMEA 0183 v4.11).</summary>
    public enum FixMode
    {
        /// <summary>Latitude and longitude only.</summary>
        TwoD = 2,

        /// <summary>Latitude, longitude and altitude.</summary>
        ThreeD = 3,
    }
}
