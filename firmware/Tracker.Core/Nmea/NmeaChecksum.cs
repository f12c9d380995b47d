namespace Tracker.Core.Nmea
{
    /// <summary>
    /// The NMEA 0183 checksum: the XOR of every character between <c>$</c> and <c>*</c>, written
    /// after the <c>*</c> as two hexadecimal digits (NMEA 0183 v4.11 §5.3.1).
    /// </summary>
    public static class NmeaChecksum
    {
        /// <summary>
        /// Checks the checksum of a framed line.
        /// </summary>
        /// <param name="line">The line, starting with <c>$</c>, without its line ending.</param>
        /// <param name="length">The line's length.</param>
        /// <param name="payloadEnd">Index of the <c>*</c> (the end of the fields) when the result is <see cref="ChecksumResult.Valid"/>.</param>
        /// <returns>Whether the line carries a correct checksum.</returns>
        public static ChecksumResult Verify(byte[] line, int length, out int payloadEnd)
        {
            payloadEnd = 0;
            if (length < 2 || line[0] != (byte)'$')
            {
                return ChecksumResult.Missing;
            }

            int sum = 0;
            int i = 1;
            while (i < length && line[i] != (byte)'*')
            {
                sum ^= line[i];
                i++;
            }

            if (i == length)
            {
                return ChecksumResult.Missing;
            }

            // Exactly two hex digits must follow; trailing spaces are tolerated, anything else is not.
            int tail = length;
            while (tail > i + 1 && line[tail - 1] == (byte)' ')
            {
                tail--;
            }

            if (tail - i != 3)
            {
                return ChecksumResult.Malformed;
            }

            int hi = HexValue(line[i + 1]);
            int lo = HexValue(line[i + 2]);
            if (hi < 0 || lo < 0)
            {
                return ChecksumResult.Malformed;
            }

            if (((hi << 4) | lo) != sum)
            {
                return ChecksumResult.Mismatch;
            }

            payloadEnd = i;
            return ChecksumResult.Valid;
        }

        /// <summary>Computes the checksum of the characters between <c>$</c> (excluded) and <paramref name="payloadEnd"/>.</summary>
        /// <param name="line">The line, starting with <c>$</c>.</param>
        /// <param name="payloadEnd">Index one past the last character covered (the <c>*</c>).</param>
        /// <returns>The XOR of the covered characters.</returns>
        public static int Compute(byte[] line, int payloadEnd)
        {
            int sum = 0;
            for (int i = 1; i < payloadEnd; i++)
            {
                sum ^= line[i];
            }

            return sum;
        }

        private static int HexValue(byte c)
        {
            if (c >= (byte)'0' && c <= (byte)'9')
            {
                return c - '0';
            }

            if (c >= (byte)'A' && c <= (byte)'F')
            {
                return c - 'A' + 10;
            }

            if (c >= (byte)'a' && c <= (byte)'f')
            {
                return c - 'a' + 10;
            }

            return -1;
        }
    }
}
