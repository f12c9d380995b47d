using Tracker.Core.Common;

namespace Tracker.Core.Nmea
{
    /// <summary>Readers for optional numeric fields shared by several sentences.</summary>
    public static class Fields
    {
        /// <summary>Reads an optional integer in [min, max].</summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="min">Smallest valid value.</param>
        /// <param name="max">Largest valid value.</param>
        /// <param name="value">The value, or <see cref="Unknown.Value"/> when empty.</param>
        /// <returns>False when the field is present but not a valid integer in range.</returns>
        public static bool TryOptionalInt(NmeaSentence s, int index, int min, int max, out int value)
        {
            value = Unknown.Value;
            if (s.IsEmpty(index))
            {
                return true;
            }

            int v;
            if (!s.TryGetInt(index, out v) || v < min || v > max)
            {
                return false;
            }

            value = v;
            return true;
        }

        /// <summary>Reads an optional decimal scaled by 10^<paramref name="decimals"/> into [min, max].</summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="decimals">Digits kept after the point.</param>
        /// <param name="min">Smallest valid scaled value.</param>
        /// <param name="max">Largest valid scaled value.</param>
        /// <param name="value">The scaled value, or <see cref="Unknown.Value"/> when empty.</param>
        /// <returns>False when the field is present but malformed or out of range.</returns>
        public static bool TryOptionalScaled(NmeaSentence s, int index, int decimals, int min, int max, out int value)
        {
            value = Unknown.Value;
            if (s.IsEmpty(index))
            {
                return true;
            }

            long v;
            if (!s.TryGetScaled(index, decimals, out v) || v < min || v > max)
            {
                return false;
            }

            value = (int)v;
            return true;
        }

        /// <summary>
        /// Reads an altitude and its unit field (must be M when present) into centimetres,
        /// -10 km to +100 km.
        /// </summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number of the altitude; the unit follows.</param>
        /// <param name="altCm">Altitude in cm, or <see cref="Unknown.Value"/>.</param>
        /// <returns>False when malformed.</returns>
        public static bool TryAltitude(NmeaSentence s, int index, out int altCm)
        {
            if (!TryOptionalScaled(s, index, 2, -1000000, 10000000, out altCm))
            {
                return false;
            }

            if (!s.IsEmpty(index + 1) && s.Char(index + 1) != 'M')
            {
                altCm = Unknown.Value;
                return false;
            }

            return true;
        }

        /// <summary>Reads an optional UTC time field.</summary>
        /// <param name="s">The sentence.</param>
        /// <param name="index">Field number.</param>
        /// <param name="msOfDay">Milliseconds since midnight, or <see cref="Unknown.Value"/>.</param>
        /// <returns>False when malformed.</returns>
        public static bool TryOptionalTime(NmeaSentence s, int index, out int msOfDay)
        {
            FieldResult r = s.TryGetTime(index, out msOfDay);
            if (r == FieldResult.Empty)
            {
                msOfDay = Unknown.Value;
            }

            return r != FieldResult.Malformed;
        }
    }
}
