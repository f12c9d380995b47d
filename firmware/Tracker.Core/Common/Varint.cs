namespace Tracker.Core.Common
{
    /// <summary>
    /// LEB128 variable-length integers (7 bits a byte, low group first, high bit set on every byte
    /// but the last), with ZigZag mapping for signed values, as Protocol Buffers encode them.
    /// </summary>
    public static class Varint
    {
        /// <summary>The most bytes a 64-bit value can take.</summary>
        public const int MaxBytes64 = 10;

        /// <summary>Maps a signed value to an unsigned one so that small magnitudes stay small.</summary>
        /// <param name="value">The signed value.</param>
        /// <returns>0, -1, 1, -2, 2... as 0, 1, 2, 3, 4...</returns>
        public static ulong ZigZag(long value)
        {
            return (ulong)((value << 1) ^ (value >> 63));
        }

        /// <summary>Reverses <see cref="ZigZag"/>.</summary>
        /// <param name="value">The mapped value.</param>
        /// <returns>The signed value.</returns>
        public static long UnZigZag(ulong value)
        {
            return (long)(value >> 1) ^ -(long)(value & 1);
        }

        /// <summary>Number of bytes <see cref="Write"/> will use for <paramref name="value"/>.</summary>
        /// <param name="value">The value.</param>
        /// <returns>1 to 10.</returns>
        public static int SizeOf(ulong value)
        {
            int n = 1;
            while (value >= 0x80)
            {
                value >>= 7;
                n++;
            }

            return n;
        }

        /// <summary>Writes <paramref name="value"/> at <paramref name="offset"/>.</summary>
        /// <param name="value">The value.</param>
        /// <param name="buffer">The destination; the caller guarantees room for <see cref="SizeOf"/> bytes.</param>
        /// <param name="offset">Where to write.</param>
        /// <returns>The offset just past the written bytes.</returns>
        public static int Write(ulong value, byte[] buffer, int offset)
        {
            while (value >= 0x80)
            {
                buffer[offset++] = (byte)(value | 0x80);
                value >>= 7;
            }

            buffer[offset++] = (byte)value;
            return offset;
        }

        /// <summary>
        /// Reads a value that starts at <paramref name="offset"/> and must end before
        /// <paramref name="end"/>. Never throws.
        /// </summary>
        /// <param name="buffer">The source.</param>
        /// <param name="offset">Where the value starts; advanced past it on success.</param>
        /// <param name="end">Index one past the last readable byte.</param>
        /// <param name="value">The value read, or 0 on failure.</param>
        /// <returns>False when the input ends first or the value is longer than 64 bits.</returns>
        public static bool TryRead(byte[] buffer, ref int offset, int end, out ulong value)
        {
            value = 0;
            int shift = 0;
            int i = offset;
            while (i < end)
            {
                byte b = buffer[i++];
                if (shift == 63 && b > 1)
                {
                    value = 0;
                    return false;
                }

                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    offset = i;
                    return true;
                }

                shift += 7;
                if (shift > 63)
                {
                    break;
                }
            }

            value = 0;
            return false;
        }
    }
}
