namespace Tracker.Core.Common
{
    /// <summary>
    /// Verifies RSASSA-PKCS1-v1_5 signatures with SHA-256 (RFC 8017 §8.2.2) for a public exponent of
    /// 65537, in integers only, for the application image's signature on the device (Control/README.md
    /// §2: the device's mscorlib has no verifier). The signature is raised to the 65537th power modulo
    /// n with Montgomery multiplication (16 squarings and one multiplication), and the result is
    /// compared byte for byte with the encoding of the expected digest, never parsed (RFC 8017 §8.2.2
    /// step 3-4), so no padding-parsing flaw can make a forgery pass. Never throws on bad input.
    /// </summary>
    public static class RsaSignature
    {
        /// <summary>The public exponent every fleet key uses.</summary>
        public const int PublicExponent = 65537;

        /// <summary>Smallest modulus accepted, in bytes (2,048 bits).</summary>
        public const int MinModulusBytes = 256;

        /// <summary>Largest modulus accepted, in bytes (4,096 bits).</summary>
        public const int MaxModulusBytes = 512;

        // RFC 8017 §9.2, note 1: the DER of DigestInfo for SHA-256, before the 32-byte digest.
        private static readonly byte[] Sha256DigestInfo = new byte[]
        {
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
        };

        /// <summary>Whether <paramref name="signature"/> is the key's signature of the message whose SHA-256 is <paramref name="digest"/>.</summary>
        /// <param name="modulus">The public modulus n, big-endian, its top byte not zero (256 to 512 bytes, a multiple of 4).</param>
        /// <param name="digest">The message's SHA-256 (32 bytes).</param>
        /// <param name="signature">The signature, big-endian, as long as the modulus.</param>
        /// <returns>True only for a valid signature; false for any malformed input.</returns>
        public static bool Verify(byte[] modulus, byte[] digest, byte[] signature)
        {
            if (modulus == null || digest == null || signature == null)
            {
                return false;
            }

            int k = modulus.Length;
            if (k < MinModulusBytes || k > MaxModulusBytes || k % 4 != 0 || modulus[0] == 0 || (modulus[k - 1] & 1) == 0
                || digest.Length != Sha256.DigestBytes || signature.Length != k)
            {
                return false;
            }

            uint[] n = ToLimbs(modulus);
            uint[] s = ToLimbs(signature);
            if (Compare(s, n) >= 0)
            {
                return false; // RFC 8017 §5.2.2: the representative must be below n
            }

            uint[] m = PowPublicExponent(s, n);
            byte[] expected = Encode(digest, k);
            byte[] actual = FromLimbs(m, k);
            int difference = 0;
            for (int i = 0; i < k; i++)
            {
                difference |= expected[i] ^ actual[i];
            }

            return difference == 0;
        }

        /// <summary>EMSA-PKCS1-v1_5 (RFC 8017 §9.2): 00 01 FF...FF 00 DigestInfo digest, <paramref name="length"/> bytes.</summary>
        /// <param name="digest">The SHA-256 digest.</param>
        /// <param name="length">The modulus's length in bytes.</param>
        /// <returns>The encoded message.</returns>
        public static byte[] Encode(byte[] digest, int length)
        {
            byte[] em = new byte[length];
            int t = Sha256DigestInfo.Length + digest.Length;
            em[0] = 0x00;
            em[1] = 0x01;
            for (int i = 2; i < length - t - 1; i++)
            {
                em[i] = 0xFF;
            }

            em[length - t - 1] = 0x00;
            System.Array.Copy(Sha256DigestInfo, 0, em, length - t, Sha256DigestInfo.Length);
            System.Array.Copy(digest, 0, em, length - digest.Length, digest.Length);
            return em;
        }

        // s^65537 mod n: into Montgomery form (s * R mod n), 16 squarings, one multiplication by s's form, and out.
        private static uint[] PowPublicExponent(uint[] s, uint[] n)
        {
            int k = n.Length;
            uint n0 = NegativeInverse(n[0]);
            uint[] r2 = RSquared(n);
            uint[] scratch = new uint[k + 2];
            uint[] sm = new uint[k];
            MontgomeryMultiply(s, r2, n, n0, scratch, sm);
            uint[] acc = new uint[k];
            uint[] tmp = new uint[k];
            System.Array.Copy(sm, acc, k);
            for (int i = 0; i < 16; i++)
            {
                MontgomeryMultiply(acc, acc, n, n0, scratch, tmp);
                uint[] swap = acc;
                acc = tmp;
                tmp = swap;
            }

            MontgomeryMultiply(acc, sm, n, n0, scratch, tmp);
            uint[] one = new uint[k];
            one[0] = 1;
            MontgomeryMultiply(tmp, one, n, n0, scratch, acc);
            return acc;
        }

        // R^2 mod n with R = 2^(32k): R mod n is R - n (n's top bit is set, so n < R < 2n), then 32k doublings mod n.
        private static uint[] RSquared(uint[] n)
        {
            int k = n.Length;
            uint[] r = new uint[k];
            long borrow = 0;
            for (int i = 0; i < k; i++)
            {
                long d = 0L - n[i] - borrow;
                r[i] = (uint)d;
                borrow = d < 0 ? 1 : 0;
            }

            for (int bit = 0; bit < 32 * k; bit++)
            {
                uint carry = 0;
                for (int i = 0; i < k; i++)
                {
                    uint v = r[i];
                    r[i] = (v << 1) | carry;
                    carry = v >> 31;
                }

                if (carry != 0 || Compare(r, n) >= 0)
                {
                    Subtract(r, n);
                }
            }

            return r;
        }

        // result = a * b / R mod n (CIOS, Koc et al. 1996); a, b < n. scratch has k + 2 limbs.
        private static void MontgomeryMultiply(uint[] a, uint[] b, uint[] n, uint n0, uint[] scratch, uint[] result)
        {
            int k = n.Length;
            uint[] t = scratch;
            for (int i = 0; i < k + 2; i++)
            {
                t[i] = 0;
            }

            for (int i = 0; i < k; i++)
            {
                ulong carry = 0;
                ulong ai = a[i];
                for (int j = 0; j < k; j++)
                {
                    ulong sum = t[j] + (ai * b[j]) + carry;
                    t[j] = (uint)sum;
                    carry = sum >> 32;
                }

                ulong top = t[k] + carry;
                t[k] = (uint)top;
                t[k + 1] = (uint)(top >> 32);

                ulong m = unchecked(t[0] * n0);
                ulong s = t[0] + (m * n[0]);
                carry = s >> 32;
                for (int j = 1; j < k; j++)
                {
                    s = t[j] + (m * n[j]) + carry;
                    t[j - 1] = (uint)s;
                    carry = s >> 32;
                }

                s = t[k] + carry;
                t[k - 1] = (uint)s;
                t[k] = t[k + 1] + (uint)(s >> 32);
                t[k + 1] = 0;
            }

            for (int i = 0; i < k; i++)
            {
                result[i] = t[i];
            }

            if (t[k] != 0 || Compare(result, n) >= 0)
            {
                Subtract(result, n);
            }
        }

        // -x^-1 mod 2^32 for odd x (Newton's iteration doubles the correct bits each step).
        private static uint NegativeInverse(uint x)
        {
            uint inverse = 1;
            for (int i = 0; i < 5; i++)
            {
                inverse = unchecked(inverse * (2 - (x * inverse)));
            }

            return unchecked(0 - inverse);
        }

        private static int Compare(uint[] a, uint[] b)
        {
            for (int i = a.Length - 1; i >= 0; i--)
            {
                if (a[i] != b[i])
                {
                    return a[i] > b[i] ? 1 : -1;
                }
            }

            return 0;
        }

        // a -= b (mod 2^(32k)).
        private static void Subtract(uint[] a, uint[] b)
        {
            long borrow = 0;
            for (int i = 0; i < a.Length; i++)
            {
                long d = (long)a[i] - b[i] - borrow;
                a[i] = (uint)d;
                borrow = d < 0 ? 1 : 0;
            }
        }

        // Big-endian bytes (a multiple of 4) to little-endian 32-bit limbs.
        private static uint[] ToLimbs(byte[] bytes)
        {
            int k = bytes.Length / 4;
            uint[] limbs = new uint[k];
            for (int i = 0; i < k; i++)
            {
                int at = bytes.Length - (4 * (i + 1));
                limbs[i] = ((uint)bytes[at] << 24) | ((uint)bytes[at + 1] << 16) | ((uint)bytes[at + 2] << 8) | bytes[at + 3];
            }

            return limbs;
        }

        private static byte[] FromLimbs(uint[] limbs, int length)
        {
            byte[] bytes = new byte[length];
            for (int i = 0; i < limbs.Length; i++)
            {
                int at = length - (4 * (i + 1));
                bytes[at] = (byte)(limbs[i] >> 24);
                bytes[at + 1] = (byte)(limbs[i] >> 16);
                bytes[at + 2] = (byte)(limbs[i] >> 8);
                bytes[at + 3] = (byte)limbs[i];
            }

            return bytes;
        }
    }
}
