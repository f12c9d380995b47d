namespace Tracker.Core.Wire
{
    /// <summary>
    /// Reads the bit stream that <see cref="BitWriter"/> writes. It never reads outside its range and
    /// never throws: reading past the end sets <see cref="Overrun"/> and yields zeros, and a code that
    /// breaks the format sets <see cref="Malformed"/>. A value type so that decoding allocates nothing.
    /// </summary>
    internal struct BitReader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _position;
        private int _used;

        /// <summary>Set once a read needed bits beyond the end of the input.</summary>
        internal bool Overrun;

        /// <summary>Set once a code was read that the format does not allow.</summary>
        internal bool Malformed;

        /// <summary>Reads from <paramref name="offset"/> up to, not including, <paramref name="end"/>.</summary>
        /// <param name="data">The source.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="end">Index one past the last readable byte.</param>
        internal BitReader(byte[] data, int offset, int end)
        {
            _data = data;
            _position = offset;
            _end = end;
            _used = 0;
            Overrun = false;
            Malformed = false;
        }

        /// <summary>True when neither <see cref="Overrun"/> nor <see cref="Malformed"/> is set.</summary>
        internal bool Ok
        {
            get { return !Overrun && !Malformed; }
        }

        /// <summary>Index just past the last byte read from (a partly read byte counts).</summary>
        internal int End
        {
            get { return _used == 0 ? _position : _position + 1; }
        }

        /// <summary>Bits left in the byte being read (0 when at a byte boundary).</summary>
        internal int BitsLeftInByte
        {
            get { return _used == 0 ? 0 : 8 - _used; }
        }

        /// <summary>Reads <paramref name="bits"/> bits, most significant first.</summary>
        /// <param name="bits">0 to 64.</param>
        /// <returns>The value, or 0 once the input has run out.</returns>
        internal ulong Read(int bits)
        {
            if (Overrun)
            {
                return 0;
            }

            long remaining = ((long)(_end - _position) * 8) - _used;
            if (bits > remaining)
            {
                Overrun = true;
                return 0;
            }

            ulong value = 0;
            while (bits > 0)
            {
                int room = 8 - _used;
                int take = bits < room ? bits : room;
                uint chunk = ((uint)_data[_position] >> (room - take)) & ((1u << take) - 1u);
                value = (value << take) | chunk;
                _used += take;
                bits -= take;
                if (_used == 8)
                {
                    _position++;
                    _used = 0;
                }
            }

            return value;
        }

        /// <summary>Reads a U(k) code (see <see cref="BitWriter.WriteUnaryLength"/>).</summary>
        /// <param name="k">Raw low bits, 0 to 14.</param>
        /// <returns>The value, or 0 on overrun or a code longer than 64 bits (which sets <see cref="Malformed"/>).</returns>
        internal ulong ReadUnaryLength(int k)
        {
            int length = 0;
            while (true)
            {
                ulong bit = Read(1);
                if (Overrun)
                {
                    return 0;
                }

                if (bit == 1)
                {
                    break;
                }

                length++;
                if (length > 64 - k)
                {
                    Malformed = true;
                    return 0;
                }
            }

            ulong q = length == 0 ? 0 : (1UL << (length - 1)) | Read(length - 1);
            return (q << k) | Read(k);
        }

        /// <summary>Reads a W code (see <see cref="BitWriter.WriteWide"/>).</summary>
        /// <returns>The value, or 0 on overrun or a length over 64 (which sets <see cref="Malformed"/>).</returns>
        internal ulong ReadWide()
        {
            int length = (int)Read(BitWriter.WideLengthBits);
            if (length > 64)
            {
                Malformed = true;
                return 0;
            }

            return length == 0 ? 0 : (1UL << (length - 1)) | Read(length - 1);
        }
    }
}
