namespace Tracker.Core.Common
{
    /// <summary>
    /// UTF-8 encoding of UTF-16 strings (RFC 3629), so the shared core needs nothing beyond the
    /// device's mscorlib: <c>System.Text.Encoding</c> is in another package (nanoFramework.System.Text).
    /// A surrogate pair becomes one 4-byte sequence; a lone surrogate, which no Unicode scalar value
    /// is, becomes U+FFFD (EF BF BD), as .NET's <c>Encoding.UTF8</c> writes it.
    /// </summary>
    public static class Utf8
    {
        /// <summary>The bytes <see cref="Encode"/> writes for <paramref name="text"/>.</summary>
        /// <param name="text">The text.</param>
        /// <returns>Its UTF-8 length.</returns>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public static int ByteCount(string text)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            int bytes = 0;
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c < '\u0080')
                {
                    bytes += 1;
                }
                else if (c < '\u0800')
                {
                    bytes += 2;
                }
                else if (IsPair(text, i))
                {
                    bytes += 4;
                    i++;
                }
                else
                {
                    // Outside the surrogates, or a lone one written as U+FFFD: three bytes either way.
                    bytes += 3;
                }

                i++;
            }

            return bytes;
        }

        /// <summary>Writes <paramref name="text"/> as UTF-8. Allocates nothing.</summary>
        /// <param name="text">The text.</param>
        /// <param name="output">The destination.</param>
        /// <param name="offset">Where the first byte goes; <see cref="ByteCount"/> bytes must fit after it.</param>
        /// <returns>The number of bytes written.</returns>
        /// <exception cref="System.ArgumentNullException">text or output is null.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">The encoded text does not fit after offset.</exception>
        public static int Encode(string text, byte[] output, int offset)
        {
            if (output == null)
            {
                throw new System.ArgumentNullException(nameof(output));
            }

            int count = ByteCount(text);
            if (offset < 0 || offset > output.Length - count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(offset), "the encoded text must fit after offset");
            }

            int o = offset;
            int i = 0;
            while (i < text.Length)
            {
                int c = text[i];
                if (c < 0x80)
                {
                    output[o++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    output[o++] = (byte)(0xC0 | (c >> 6));
                    output[o++] = (byte)(0x80 | (c & 0x3F));
                }
                else if (IsPair(text, i))
                {
                    int scalar = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
                    output[o++] = (byte)(0xF0 | (scalar >> 18));
                    output[o++] = (byte)(0x80 | ((scalar >> 12) & 0x3F));
                    output[o++] = (byte)(0x80 | ((scalar >> 6) & 0x3F));
                    output[o++] = (byte)(0x80 | (scalar & 0x3F));
                    i++;
                }
                else
                {
                    if (c >= 0xD800 && c <= 0xDFFF)
                    {
                        c = 0xFFFD;
                    }

                    output[o++] = (byte)(0xE0 | (c >> 12));
                    output[o++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    output[o++] = (byte)(0x80 | (c & 0x3F));
                }

                i++;
            }

            return o - offset;
        }

        /// <summary>The text as a new UTF-8 byte array.</summary>
        /// <param name="text">The text.</param>
        /// <returns>Its bytes.</returns>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public static byte[] GetBytes(string text)
        {
            byte[] bytes = new byte[ByteCount(text)];
            Encode(text, bytes, 0);
            return bytes;
        }

        /// <summary>
        /// Reads one UTF-8 sequence at <paramref name="pos"/> (RFC 3629 §4: no overlong forms, no
        /// surrogates, at most U+10FFFF). Never throws.
        /// </summary>
        /// <param name="data">The bytes.</param>
        /// <param name="pos">Index of the sequence's first byte.</param>
        /// <param name="end">Index after the last byte that may be read.</param>
        /// <param name="length">The sequence's length in bytes (0 when invalid).</param>
        /// <returns>The Unicode scalar value, or -1 when the bytes are not valid UTF-8.</returns>
        public static int DecodeScalar(byte[] data, int pos, int end, out int length)
        {
            length = 0;
            if (pos >= end)
            {
                return -1;
            }

            int b0 = data[pos];
            int count;
            int scalar;
            int min;
            if (b0 < 0x80)
            {
                length = 1;
                return b0;
            }

            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                count = 2;
                scalar = b0 & 0x1F;
                min = 0x80;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                count = 3;
                scalar = b0 & 0x0F;
                min = 0x800;
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                count = 4;
                scalar = b0 & 0x07;
                min = 0x10000;
            }
            else
            {
                return -1;
            }

            if (end - pos < count)
            {
                return -1;
            }

            for (int i = 1; i < count; i++)
            {
                int b = data[pos + i];
                if ((b & 0xC0) != 0x80)
                {
                    return -1;
                }

                scalar = (scalar << 6) | (b & 0x3F);
            }

            if (scalar < min || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF))
            {
                return -1;
            }

            length = count;
            return scalar;
        }

        /// <summary>Decodes UTF-8 bytes into text. Never throws on bad bytes.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="text">The text, or empty.</param>
        /// <returns>False when the bytes are not valid UTF-8.</returns>
        public static bool TryDecode(byte[] data, int offset, int count, out string text)
        {
            text = string.Empty;
            char[] chars = new char[count];
            int n = 0;
            int pos = offset;
            int end = offset + count;
            while (pos < end)
            {
                int length;
                int scalar = DecodeScalar(data, pos, end, out length);
                if (scalar < 0)
                {
                    return false;
                }

                pos += length;
                n = AppendScalar(chars, n, scalar);
            }

            text = new string(chars, 0, n);
            return true;
        }

        /// <summary>Writes a Unicode scalar value as UTF-16: one char, or a surrogate pair above U+FFFF.</summary>
        /// <param name="chars">The destination (room for two more chars).</param>
        /// <param name="n">Where the first goes.</param>
        /// <param name="scalar">The scalar value (U+0000 to U+10FFFF, no surrogate).</param>
        /// <returns>The index after what was written.</returns>
        public static int AppendScalar(char[] chars, int n, int scalar)
        {
            if (scalar >= 0x10000)
            {
                scalar -= 0x10000;
                chars[n++] = (char)(0xD800 + (scalar >> 10));
                chars[n++] = (char)(0xDC00 + (scalar & 0x3FF));
            }
            else
            {
                chars[n++] = (char)scalar;
            }

            return n;
        }

        // A high surrogate at i followed by a low one.
        private static bool IsPair(string text, int i)
        {
            char c = text[i];
            return c >= '\uD800' && c <= '\uDBFF' && i + 1 < text.Length && text[i + 1] >= '\uDC00' && text[i + 1] <= '\uDFFF';
        }
    }
}
