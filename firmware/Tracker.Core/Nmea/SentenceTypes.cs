namespace Tracker.Core.Nmea
{
    /// <summary>Maps the three type characters of a sentence address to a <see cref="SentenceType"/>.</summary>
    public static class SentenceTypes
    {
        /// <summary>Number of <see cref="SentenceType"/> values, for counter arrays.</summary>
        public const int Count = 9;

        /// <summary>Classifies a sentence type.</summary>
        /// <param name="a">First character.</param>
        /// <param name="b">Second character.</param>
        /// <param name="c">Third character.</param>
        /// <returns>The type, or <see cref="SentenceType.Unknown"/>.</returns>
        public static SentenceType FromChars(byte a, byte b, byte c)
        {
            if (a == (byte)'R' && b == (byte)'M' && c == (byte)'C')
            {
                return SentenceType.Rmc;
            }

            if (a == (byte)'G')
            {
                if (b == (byte)'G' && c == (byte)'A')
                {
                    return SentenceType.Gga;
                }

                if (b == (byte)'N' && c == (byte)'S')
                {
                    return SentenceType.Gns;
                }

                if (b == (byte)'S' && c == (byte)'A')
                {
                    return SentenceType.Gsa;
                }

                if (b == (byte)'L' && c == (byte)'L')
                {
                    return SentenceType.Gll;
                }
            }

            if (a == (byte)'V' && b == (byte)'T' && c == (byte)'G')
            {
                return SentenceType.Vtg;
            }

            if (a == (byte)'Z' && b == (byte)'D' && c == (byte)'A')
            {
                return SentenceType.Zda;
            }

            return SentenceType.Unknown;
        }
    }
}
