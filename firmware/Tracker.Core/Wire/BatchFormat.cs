using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Wire
{
    /// <summary>
    /// The constants of the fix batch format shared by <see cref="BatchEncoder"/> and
    /// <see cref="BatchDecoder"/> (README.md beside this file is the byte-level specification).
    /// </summary>
    public static class BatchFormat
    {
        /// <summary>The format version this code writes and the only one it reads (header byte 0).</summary>
        public const byte Version = 1;

        /// <summary>
        /// AWS IoT Core's largest MQTT message payload, 128 KB ("AWS IoT Core message broker and
        /// protocol limits and quotas": message size 128 KB). No encoded batch is ever larger.
        /// </summary>
        public const int MaxPayloadBytes = 131072;

        /// <summary>
        /// The largest batch an encoder writes: 96,000 bytes, so that the AWS fixes rule's republish for
        /// browsers, which carries the batch base64-encoded (4 bytes for every 3) in a JSON object with the
        /// topic, client id and receive time, stays within <see cref="MaxPayloadBytes"/> too: 128,000
        /// bytes of base64 and under 500 of the rest (topic and client id with 128-character thing
        /// names), with room to spare. Decoders still accept up to <see cref="MaxPayloadBytes"/>.
        /// </summary>
        public const int MaxBatchBytes = 96000;

        /// <summary>
        /// Most fixes one batch may hold. A run of fixes that differ by nothing but a steady time step
        /// costs almost no bits, so the count, not the size, bounds what a decoder must allocate.
        /// </summary>
        public const int MaxFixes = 65535;

        /// <summary>Bytes of the header before the count: the version byte and the CRC-32.</summary>
        public const int FixedHeaderBytes = 5;

        /// <summary>Size of the smallest message, an empty batch: version, CRC-32 and a one-byte count of 0.</summary>
        public const int MinMessageBytes = FixedHeaderBytes + 1;

        /// <summary>Offset of the CRC-32 (little-endian) in the header.</summary>
        public const int CrcOffset = 1;

        // Worst cases in bits, from the layout in README.md: per numeric field, a presence code (2),
        // unit (2), order (1), two wide codes (70 each) and k (4); mode and quality, 4 + 1. Per fix, a
        // residual of at most 128 bits for time (any 64-bit step) and 70 for the int fields (values
        // within 2^32, second differences within 2^35), a presence bit for each optional field, and a
        // changed bit with a new symbol.
        private const long ConstantBits = (BatchFields.Count * (2 + 2 + 1 + 70 + 70 + 4)) + 4 + 1;
        private const long PerFixBits = 128 + (7 * 70) + 5 + 1 + 4;

        /// <summary>
        /// The largest message <see cref="BatchEncoder"/> can produce for <paramref name="count"/>
        /// fixes, whatever they hold. A generous bound (about 79 bytes a fix) for sizing buffers; real
        /// batches are an order of magnitude smaller, and the encoder fits as many fixes as the buffer
        /// it is given can take, so a caller may equally pass a smaller buffer.
        /// </summary>
        /// <param name="count">Number of fixes, 0 to <see cref="MaxFixes"/>.</param>
        /// <returns>Size in bytes.</returns>
        public static int MaxEncodedSize(int count)
        {
            if (count < 0 || count > MaxFixes)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count));
            }

            int header = FixedHeaderBytes + Varint.SizeOf((ulong)count);
            if (count == 0)
            {
                return header;
            }

            long bits = ConstantBits + (PerFixBits * count);
            return header + (int)((bits + 7) / 8);
        }

        /// <summary>
        /// True when every field of <paramref name="fix"/> lies in its documented domain, which is what
        /// the format can carry and what the decoder accepts: latitude within ±90 degrees, longitude
        /// within ±180 (both ends), course 0 to 35999, speed, HDOP and satellites not negative, mode 2
        /// or 3, quality 1 to 8; altitude and time may be anything; optional fields may be
        /// <see cref="Fix.Unknown"/>.
        /// </summary>
        /// <param name="fix">The fix.</param>
        /// <returns>False for a fix the encoder refuses.</returns>
        public static bool IsEncodable(Fix fix)
        {
            if (!BatchFields.InDomain(BatchFields.Lat, fix.LatE7) || !BatchFields.InDomain(BatchFields.Lon, fix.LonE7))
            {
                return false;
            }

            if (!OptionalOk(BatchFields.Speed, fix.SpeedMmps) || !OptionalOk(BatchFields.Course, fix.CourseCdeg)
                || !OptionalOk(BatchFields.Hdop, fix.HdopX100) || !OptionalOk(BatchFields.Sats, fix.Satellites))
            {
                return false;
            }

            int mode = (int)fix.Mode;
            int quality = (int)fix.Quality;
            return (mode == 2 || mode == 3) && quality >= 1 && quality <= 8;
        }

        private static bool OptionalOk(int field, int value)
        {
            return value == Fix.Unknown || BatchFields.InDomain(field, value);
        }
    }
}
