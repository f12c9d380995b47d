namespace Tracker.Core.Nmea
{
    /// <summary>Reads the latitude/longitude field quartet that RMC, GGA, GNS and GLL share.</summary>
    public static class Position
    {
        /// <summary>
        /// Reads fields <paramref name="index"/> to <paramref name="index"/>+3. All four empty means
        /// "no position"; some empty or any malformed means the sentence is malformed.
        /// </summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number of the latitude.</param>
        /// <param name="hasPosition">True when a position was read.</param>
        /// <param name="latE7">Latitude in 1e-7 degrees.</param>
        /// <param name="lonE7">Longitude in 1e-7 degrees.</param>
        /// <returns>False when the fields are malformed.</returns>
        public static bool TryRead(NmeaSentence s, int index, out bool hasPosition, out int latE7, out int lonE7)
        {
            hasPosition = false;
            lonE7 = 0;
            FieldResult lat = s.TryGetCoordinate(index, true, out latE7);
            FieldResult lon = s.TryGetCoordinate(index + 2, false, out lonE7);
            if (lat == FieldResult.Malformed || lon == FieldResult.Malformed || lat != lon)
            {
                return false;
            }

            hasPosition = lat == FieldResult.Ok;
            return true;
        }
    }
}
