namespace Tracker.Core.Common
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF),
    /// the checksum zlib and PNG use. Check value: CRC of ASCII "123456789" is 0xCBF43926.
    /// </summary>
    public static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        /// <summary>Computes the CRC of <paramref name="count"/> bytes of <paramref name="data"/>.</summary>
        /// <param name="data">The buffer.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The finished CRC.</returns>
        public static uint Compute(byte[] data, int offset, int count)
        {
            return ~Update(0xFFFFFFFFu, data, offset, count);
        }

        /// <summary>
        /// Feeds bytes into a running CRC register. Start with 0xFFFFFFFF and invert the result to
        /// finish, as <see cref="Compute"/> does.
        /// </summary>
        /// <param name="crc">The running register.</param>
        /// <param name="data">The buffer.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The updated register.</returns>
        public static uint Update(uint crc, byte[] data, int offset, int count)
        {
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                crc = Table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] BuildTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
