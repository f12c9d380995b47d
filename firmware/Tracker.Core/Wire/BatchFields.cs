using Tracker.Core.Fixes;

namespace Tracker.Core.Wire
{
    /// <summary>
    /// The eight numeric fields of a <see cref="Fix"/> as the batch format sees them (README,
    /// "Fields"): their order in the body, whether they may be unknown, their unit tables, their
    /// domains and how their deltas wrap. Mode and quality travel together as a symbol and are not
    /// listed here.
    /// </summary>
    internal static class BatchFields
    {
        /// <summary>Number of numeric fields.</summary>
        internal const int Count = 8;

        /// <summary>Field index of <see cref="Fix.TimeMs"/>.</summary>
        internal const int Time = 0;

        /// <summary>Field index of <see cref="Fix.LatE7"/>.</summary>
        internal const int Lat = 1;

        /// <summary>Field index of <see cref="Fix.LonE7"/>.</summary>
        internal const int Lon = 2;

        /// <summary>Field index of <see cref="Fix.AltCm"/>, the first optional field.</summary>
        internal const int Alt = 3;

        /// <summary>Field index of <see cref="Fix.SpeedMmps"/>.</summary>
        internal const int Speed = 4;

        /// <summary>Field index of <see cref="Fix.CourseCdeg"/>.</summary>
        internal const int Course = 5;

        /// <summary>Field index of <see cref="Fix.HdopX100"/>.</summary>
        internal const int Hdop = 6;

        /// <summary>Field index of <see cref="Fix.Satellites"/>.</summary>
        internal const int Sats = 7;

        /// <summary>Unit codes per field (2 bits).</summary>
        internal const int UnitCodes = 4;

        /// <summary>Bound on |q| for the fields stored as int: every unit step is at least 1, so a larger q cannot be in range.</summary>
        private const long IntQuotientBound = 1L << 32;

        /// <summary>Half a turn of longitude in 1e-7 degree.</summary>
        private const long HalfTurnE7 = 1800000000L;

        /// <summary>A full turn of course in 0.01 degree.</summary>
        private const long TurnCdeg = 36000L;

        // Unit steps as num/den of the field's own unit, four per field (index field * 4 + code).
        // A value v is carried as q with v = round_half_up(q * num / den), sign applied to the magnitude.
        // The rational steps are the quanta NMEA delivers: 1e-5, 1e-4 and 1e-3 arc-minute are 5/3, 50/3
        // and 500/3 of 1e-7 degree; 0.01 knot, 0.1 km/h and 0.1 knot are 463/90, 250/9 and 463/9 mm/s
        // (1 knot = 1852 m/h). Codes are in order of preference: the encoder takes the highest that fits.
        private static readonly int[] StepNum =
        {
            1, 10, 100, 1000, // time, ms
            1, 5, 50, 500, // lat, 1e-7 degree
            1, 5, 50, 500, // lon
            1, 10, 100, 1000, // alt, cm
            1, 463, 250, 463, // speed, mm/s
            1, 10, 100, 1000, // course, 0.01 degree
            1, 10, 100, 1000, // hdop, 0.01
            1, 10, 100, 1000, // satellites
        };

        private static readonly int[] StepDen =
        {
            1, 1, 1, 1,
            1, 3, 3, 3,
            1, 3, 3, 3,
            1, 1, 1, 1,
            1, 90, 9, 9,
            1, 1, 1, 1,
            1, 1, 1, 1,
            1, 1, 1, 1,
        };

        /// <summary>True for the fields that may hold <see cref="Fix.Unknown"/>.</summary>
        /// <param name="field">Field index.</param>
        /// <returns>True from <see cref="Alt"/> on.</returns>
        internal static bool IsOptional(int field)
        {
            return field >= Alt;
        }

        /// <summary>Reads a field of <c>fixes[index]</c>.</summary>
        /// <param name="fixes">The fixes.</param>
        /// <param name="index">Which fix.</param>
        /// <param name="field">Field index.</param>
        /// <returns>The value, widened to long.</returns>
        internal static long Get(Fix[] fixes, int index, int field)
        {
            switch (field)
            {
                case Time: return fixes[index].TimeMs;
                case Lat: return fixes[index].LatE7;
                case Lon: return fixes[index].LonE7;
                case Alt: return fixes[index].AltCm;
                case Speed: return fixes[index].SpeedMmps;
                case Course: return fixes[index].CourseCdeg;
                case Hdop: return fixes[index].HdopX100;
                default: return fixes[index].Satellites;
            }
        }

        /// <summary>Writes a field of <c>fixes[index]</c>; the caller has checked the value fits the field.</summary>
        /// <param name="fixes">The fixes.</param>
        /// <param name="index">Which fix.</param>
        /// <param name="field">Field index.</param>
        /// <param name="value">The value.</param>
        internal static void Set(Fix[] fixes, int index, int field, long value)
        {
            switch (field)
            {
                case Time: fixes[index].TimeMs = value; break;
                case Lat: fixes[index].LatE7 = (int)value; break;
                case Lon: fixes[index].LonE7 = (int)value; break;
                case Alt: fixes[index].AltCm = (int)value; break;
                case Speed: fixes[index].SpeedMmps = (int)value; break;
                case Course: fixes[index].CourseCdeg = (int)value; break;
                case Hdop: fixes[index].HdopX100 = (int)value; break;
                default: fixes[index].Satellites = (int)value; break;
            }
        }

        /// <summary>True when a known value lies in the field's domain (the documented range of the <see cref="Fix"/> field).</summary>
        /// <param name="field">Field index.</param>
        /// <param name="value">A known value.</param>
        /// <returns>False for anything a valid fix cannot hold.</returns>
        internal static bool InDomain(int field, long value)
        {
            switch (field)
            {
                case Time: return true;
                case Lat: return value >= -900000000L && value <= 900000000L;
                case Lon: return value >= -HalfTurnE7 && value <= HalfTurnE7;
                case Alt: return value > int.MinValue && value <= int.MaxValue;
                case Course: return value >= 0 && value < TurnCdeg;
                default: return value >= 0 && value <= int.MaxValue;
            }
        }

        /// <summary>Encoder side: the quotient q that carries <paramref name="value"/> in unit <paramref name="code"/>, if it is exact.</summary>
        /// <param name="field">Field index.</param>
        /// <param name="code">Unit code, 0 to 3.</param>
        /// <param name="value">A known value in the field's domain.</param>
        /// <param name="q">The quotient, or 0.</param>
        /// <returns>False when the unit cannot carry the value exactly.</returns>
        internal static bool TryQuantize(int field, int code, long value, out long q)
        {
            int i = (field * UnitCodes) + code;
            long num = StepNum[i];
            long den = StepDen[i];
            if (den == 1)
            {
                q = value / num;
                if (value % num != 0)
                {
                    q = 0;
                    return false;
                }

                return true;
            }

            // Rational steps apply only to int fields, so the magnitudes cannot overflow.
            long magnitude = value < 0 ? -value : value;
            long m = ((magnitude * den) + (num / 2)) / num;
            q = value < 0 ? -m : m;
            if (((m * num) + (den / 2)) / den != magnitude)
            {
                q = 0;
                return false;
            }

            return true;
        }

        /// <summary>Decoder side: the value that quotient <paramref name="q"/> stands for, if it is in the field's domain.</summary>
        /// <param name="field">Field index.</param>
        /// <param name="code">Unit code, 0 to 3.</param>
        /// <param name="q">The quotient as decoded (any value).</param>
        /// <param name="value">The value, or 0.</param>
        /// <returns>False when the value would overflow or lies outside the domain.</returns>
        internal static bool TryReconstruct(int field, int code, long q, out long value)
        {
            value = 0;
            int i = (field * UnitCodes) + code;
            long num = StepNum[i];
            long den = StepDen[i];
            if (field == Time)
            {
                if (q > long.MaxValue / num || q < long.MinValue / num)
                {
                    return false;
                }

                value = q * num;
                return true;
            }

            if (q > IntQuotientBound || q < -IntQuotientBound)
            {
                return false;
            }

            long magnitude = q < 0 ? -q : q;
            long m = ((magnitude * num) + (den / 2)) / den;
            long v = q < 0 ? -m : m;
            if (!InDomain(field, v))
            {
                return false;
            }

            value = v;
            return true;
        }

        /// <summary>The modulus that deltas of the field wrap at, in quotient units, or 0 when they do not wrap.</summary>
        /// <param name="field">Field index.</param>
        /// <param name="code">Unit code.</param>
        /// <returns>
        /// Longitude: 2Q+1 where Q is 180 degrees in the unit, so that both -180 and +180 survive;
        /// course: a full turn; otherwise 0.
        /// </returns>
        internal static long Modulus(int field, int code)
        {
            int i = (field * UnitCodes) + code;
            if (field == Lon)
            {
                return (2 * (HalfTurnE7 * StepDen[i] / StepNum[i])) + 1;
            }

            if (field == Course)
            {
                return TurnCdeg / StepNum[i];
            }

            return 0;
        }

        /// <summary>Lowest quotient of the field's wrapped range: -Q for longitude, 0 for course.</summary>
        /// <param name="field">Field index.</param>
        /// <param name="modulus">The field's <see cref="Modulus"/>.</param>
        /// <returns>The low end of the canonical range.</returns>
        internal static long WrapLow(int field, long modulus)
        {
            return field == Lon ? -(modulus / 2) : 0;
        }

        /// <summary>Reduces <paramref name="x"/> into [<paramref name="low"/>, <paramref name="low"/> + <paramref name="modulus"/>).</summary>
        /// <param name="x">Any value.</param>
        /// <param name="low">Low end of the range.</param>
        /// <param name="modulus">Positive modulus.</param>
        /// <returns>The representative of x's class in the range.</returns>
        internal static long Reduce(long x, long low, long modulus)
        {
            long r = unchecked(x - low) % modulus;
            if (r < 0)
            {
                r += modulus;
            }

            return low + r;
        }
    }
}
