namespace Tracker.Core.Common
{
    /// <summary>
    /// SHA-256 (FIPS 180-4 §6.2), incremental, for the application image's digest on the device:
    /// nanoFramework's mscorlib has no hash (Control/README.md §2). Integer-only; allocates only at
    /// construction. Feed it with <see cref="Append"/> in any pieces, then <see cref="Finish"/>.
    /// </summary>
    public sealed class Sha256
    {
        /// <summary>The digest's length in bytes.</summary>
        public const int DigestBytes = 32;

        // FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        private static readonly uint[] K = new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _w = new uint[64];
        private readonly byte[] _block = new byte[64];
        private int _filled;
        private long _length;
        private bool _finished;

        /// <summary>Starts a digest.</summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>The digest of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The 32-byte digest.</returns>
        public static byte[] Compute(byte[] data, int offset, int count)
        {
            Sha256 sha = new Sha256();
            sha.Append(data, offset, count);
            return sha.Finish();
        }

        /// <summary>Starts again from nothing.</summary>
        public void Reset()
        {
            // FIPS 180-4 §5.3.3.
            _h[0] = 0x6a09e667;
            _h[1] = 0xbb67ae85;
            _h[2] = 0x3c6ef372;
            _h[3] = 0xa54ff53a;
            _h[4] = 0x510e527f;
            _h[5] = 0x9b05688c;
            _h[6] = 0x1f83d9ab;
            _h[7] = 0x5be0cd19;
            _filled = 0;
            _length = 0;
            _finished = false;
        }

        /// <summary>Adds bytes to the message.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <exception cref="System.InvalidOperationException">After <see cref="Finish"/> (call <see cref="Reset"/> first).</exception>
        public void Append(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(nameof(data));
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count));
            }

            if (_finished)
            {
                throw new System.InvalidOperationException("the digest is finished: Reset first");
            }

            _length += count;
            int end = offset + count;
            while (offset < end)
            {
                int take = 64 - _filled;
                if (take > end - offset)
                {
                    take = end - offset;
                }

                System.Array.Copy(data, offset, _block, _filled, take);
                _filled += take;
                offset += take;
                if (_filled == 64)
                {
                    Compress();
                    _filled = 0;
                }
            }
        }

        /// <summary>Pads the message (FIPS 180-4 §5.1.1) and returns its digest.</summary>
        /// <returns>The 32-byte digest.</returns>
        public byte[] Finish()
        {
            if (_finished)
            {
                throw new System.InvalidOperationException("the digest is finished: Reset first");
            }

            long bits = _length * 8;
            _block[_filled++] = 0x80;
            if (_filled > 56)
            {
                while (_filled < 64)
                {
                    _block[_filled++] = 0;
                }

                Compress();
                _filled = 0;
            }

            while (_filled < 56)
            {
                _block[_filled++] = 0;
            }

            for (int i = 7; i >= 0; i--)
            {
                _block[56 + (7 - i)] = (byte)(bits >> (8 * i));
            }

            Compress();
            _finished = true;
            byte[] digest = new byte[DigestBytes];
            for (int i = 0; i < 8; i++)
            {
                digest[4 * i] = (byte)(_h[i] >> 24);
                digest[(4 * i) + 1] = (byte)(_h[i] >> 16);
                digest[(4 * i) + 2] = (byte)(_h[i] >> 8);
                digest[(4 * i) + 3] = (byte)_h[i];
            }

            return digest;
        }

        // FIPS 180-4 §6.2.2, one 512-bit block.
        private void Compress()
        {
            uint[] w = _w;
            for (int t = 0; t < 16; t++)
            {
                int i = 4 * t;
                w[t] = ((uint)_block[i] << 24) | ((uint)_block[i + 1] << 16) | ((uint)_block[i + 2] << 8) | _block[i + 3];
            }

            for (int t = 16; t < 64; t++)
            {
                uint x = w[t - 15];
                uint y = w[t - 2];
                uint s0 = Rotr(x, 7) ^ Rotr(x, 18) ^ (x >> 3);
                uint s1 = Rotr(y, 17) ^ Rotr(y, 19) ^ (y >> 10);
                w[t] = unchecked(w[t - 16] + s0 + w[t - 7] + s1);
            }

            uint a = _h[0];
            uint b = _h[1];
            uint c = _h[2];
            uint d = _h[3];
            uint e = _h[4];
            uint f = _h[5];
            uint g = _h[6];
            uint h = _h[7];
            for (int t = 0; t < 64; t++)
            {
                uint sum1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
                uint choose = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + sum1 + choose + K[t] + w[t]);
                uint sum0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
                uint majority = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(sum0 + majority);
                h = g;
                g = f;
                f = e;
                e = unchecked(d + t1);
                d = c;
                c = b;
                b = a;
                a = unchecked(t1 + t2);
            }

            _h[0] = unchecked(_h[0] + a);
            _h[1] = unchecked(_h[1] + b);
            _h[2] = unchecked(_h[2] + c);
            _h[3] = unchecked(_h[3] + d);
            _h[4] = unchecked(_h[4] + e);
            _h[5] = unchecked(_h[5] + f);
            _h[6] = unchecked(_h[6] + g);
            _h[7] = unchecked(_h[7] + h);
        }

        private static uint Rotr(uint x, int n)
        {
            return (x >> n) | (x << (32 - n));
        }
    }
}
