namespace Tracker.Core.Wire
{
    /// <summary>
    /// Writes the bit stream of a batch body: most significant bit first, into bytes of a caller-owned
    /// buffer, with the two variable-length codes the format uses (README, "Codes"). A value type so
    /// that encoding allocates nothing.
    /// </summary>
    internal struct BitWriter
    {
        /// <summary>Bits of the length field of the wide code: enough for lengths 0 to 64.</summary>
        internal const int WideLengthBits = 7;

        private readonly byte[] _buffer;
        private int _position;
        private int _used;

        /// <summary>Starts writing at <paramref name="offset"/>.</summary>
        /// <param name="buffer">The destination; the caller has checked there is room.</param>
        /// <param name="offset">Index of the first byte to write.</param>
        internal BitWriter(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _position = offset;
            _used = 0;
        }

        /// <summary>Index just past the last byte touched (a partial last byte counts, padded with zeros).</summary>
        internal int End
        {
            get { return _used == 0 ? _position : _position + 1; }
        }

        /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/>, most significant first.</summary>
        /// <param name="value">The value.</param>
        /// <param name="bits">0 to 64.</param>
        internal void Write(ulong value, int bits)
        {
            while (bits > 0)
            {
                if (_used == 0)
                {
                    _buffer[_position] = 0;
                }

                int room = 8 - _used;
                int take = bits < room ? bits : room;
                uint chunk = (uint)(value >> (bits - take)) & ((1u << take) - 1u);
                _buffer[_position] = (byte)(_buffer[_position] | (chunk << (room - take)));
                _used += take;
                bits -= take;
                if (_used == 8)
                {
                    _position++;
                    _used = 0;
                }
            }
        }

        /// <summary>
        /// Writes the unary-length code U(k) of <paramref name="value"/>: with q = value &gt;&gt; k and
        /// L its bit length, L zeros, a one, the L-1 bits of q below its leading one, then the k low bits.
        /// </summary>
        /// <param name="value">The value.</param>
        /// <param name="k">Raw low bits, 0 to 14.</param>
        internal void WriteUnaryLength(ulong value, int k)
        {
            ulong q = value >> k;
            int length = BitLength(q);
            Write(0, length);
            Write(1, 1);
            if (length > 1)
            {
                Write(q, length - 1);
            }

            Write(value, k);
        }

        /// <summary>
        /// Writes the wide code W of <paramref name="value"/>: its bit length L in 7 bits, then the L-1
        /// bits below its leading one (nothing for 0 and 1).
        /// </summary>
        /// <param name="value">The value.</param>
        internal void WriteWide(ulong value)
        {
            int length = BitLength(value);
            Write((ulong)length, WideLengthBits);
            if (length > 1)
            {
                Write(value, length - 1);
            }
        }

        /// <summary>Bits <see cref="WriteUnaryLength"/> uses.</summary>
        /// <param name="value">The value.</param>
        /// <param name="k">Raw low bits.</param>
        /// <returns>The size in bits.</returns>
        internal static int UnaryLengthBits(ulong value, int k)
        {
            return UnaryLengthBitsForLength(BitLength(value), k);
        }

        /// <summary>Bits <see cref="WriteUnaryLength"/> uses for a value of bit length <paramref name="valueLength"/>.</summary>
        /// <param name="valueLength">Bit length of the value, 0 to 64.</param>
        /// <param name="k">Raw low bits.</param>
        /// <returns>The size in bits.</returns>
        internal static int UnaryLengthBitsForLength(int valueLength, int k)
        {
            int length = valueLength - k;
            return length <= 0 ? 1 + k : (2 * length) + k;
        }

        /// <summary>Bits <see cref="WriteWide"/> uses.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The size in bits.</returns>
        internal static int WideBits(ulong value)
        {
            int length = BitLength(value);
            return length > 1 ? WideLengthBits + length - 1 : WideLengthBits;
        }

        /// <summary>Number of significant bits: 0 for 0, 64 for values with the top bit set.</summary>
        /// <param name="value">The value.</param>
        /// <returns>0 to 64.</returns>
        internal static int BitLength(ulong value)
        {
            int n = 0;
            if (value >= 0x100000000UL)
            {
                value >>= 32;
                n = 32;
            }

            uint v = (uint)value;
            if (v >= 0x10000u)
            {
                v >>= 16;
                n += 16;
            }

            if (v >= 0x100u)
            {
                v >>= 8;
                n += 8;
            }

            while (v != 0)
            {
                v >>= 1;
                n++;
            }

            return n;
        }
    }
}
