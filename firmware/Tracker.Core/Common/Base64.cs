namespace Tracker.Core.Common
{
    /// <summary>
    /// Decodes base64 (RFC 4648 §4, the standard alphabet with '=' padding), strictly: no white space,
    /// no missing or extra padding, no non-zero bits after the last byte. For the update job's signature
    /// (nanoFramework's <c>Convert.FromBase64String</c> is in mscorlib, but throws on bad text). Never throws.
    /// </summary>
    public static class Base64
    {
        /// <summary>Decodes <paramref name="text"/>.</summary>
        /// <param name="text">The base64 text.</param>
        /// <param name="bytes">The bytes, or an empty array.</param>
        /// <returns>False when the text is not strict base64.</returns>
        public static bool TryDecode(string text, out byte[] bytes)
        {
            bytes = new byte[0];
            if (text == null || text.Length % 4 != 0)
            {
                return false;
            }

            int padding = text.Length > 0 && text[text.Length - 1] == '=' ? (text.Length > 1 && text[text.Length - 2] == '=' ? 2 : 1) : 0;
            byte[] output = new byte[((text.Length / 4) * 3) - padding];
            int o = 0;
            for (int i = 0; i < text.Length; i += 4)
            {
                bool last = i + 4 == text.Length;
                int a = Value(text[i]);
                int b = Value(text[i + 1]);
                int c = last && padding == 2 ? 0 : Value(text[i + 2]);
                int d = last && padding >= 1 ? 0 : Value(text[i + 3]);
                if (a < 0 || b < 0 || c < 0 || d < 0)
                {
                    return false;
                }

                int group = (a << 18) | (b << 12) | (c << 6) | d;
                output[o++] = (byte)(group >> 16);
                if (last && padding == 2)
                {
                    if ((group & 0xFFFF) != 0)
                    {
                        return false;
                    }

                    break;
                }

                output[o++] = (byte)(group >> 8);
                if (last && padding == 1)
                {
                    if ((group & 0xFF) != 0)
                    {
                        return false;
                    }

                    break;
                }

                output[o++] = (byte)group;
            }

            bytes = output;
            return true;
        }

        private static int Value(char c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return c - 'A';
            }

            if (c >= 'a' && c <= 'z')
            {
                return c - 'a' + 26;
            }

            if (c >= '0' && c <= '9')
            {
                return c - '0' + 52;
            }

            if (c == '+')
            {
                return 62;
            }

            return c == '/' ? 63 : -1;
        }
    }
}
