namespace Tracker.Core.Modem
{
    /// <summary>
    /// Text helpers for AT lines, on integers and ASCII only (the device has no culture-aware
    /// parsing and the core references no text-encoding package). Nothing here throws on input.
    /// </summary>
    public static class AtText
    {
        private const string HexDigits = "0123456789ABCDEF";

        /// <summary>Parses a decimal integer with an optional sign from <c>s[start..end)</c>, spaces around it allowed.</summary>
        /// <param name="s">The text.</param>
        /// <param name="start">Index of the first character.</param>
        /// <param name="end">Index after the last character.</param>
        /// <param name="value">The number.</param>
        /// <returns>False when the range is not exactly one integer that fits in 32 bits.</returns>
        public static bool TryParseInt(string s, int start, int end, out int value)
        {
            value = 0;
            if (s == null || start < 0 || end > s.Length)
            {
                return false;
            }

            while (start < end && s[start] == ' ')
            {
                start++;
            }

            while (end > start && s[end - 1] == ' ')
            {
                end--;
            }

            bool negative = false;
            if (start < end && (s[start] == '-' || s[start] == '+'))
            {
                negative = s[start] == '-';
                start++;
            }

            if (start >= end || end - start > 10)
            {
                return false;
            }

            long v = 0;
            for (int i = start; i < end; i++)
            {
                char c = s[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                v = (v * 10) + (c - '0');
            }

            if (negative)
            {
                v = -v;
            }

            if (v > int.MaxValue || v < int.MinValue)
            {
                return false;
            }

            value = (int)v;
            return true;
        }

        /// <summary>Parses a whole string as a decimal integer.</summary>
        /// <param name="s">The text (may be null).</param>
        /// <param name="value">The number.</param>
        /// <returns>False when it is not one integer.</returns>
        public static bool TryParseInt(string? s, out int value)
        {
            if (s == null)
            {
                value = 0;
                return false;
            }

            return TryParseInt(s, 0, s.Length, out value);
        }

        /// <summary>
        /// Splits a response value at commas that are outside double quotes, and removes the quotes
        /// and the spaces around each field: <c>0,1,"10.0.0.1"</c> gives <c>0</c>, <c>1</c>,
        /// <c>10.0.0.1</c>. An unterminated quote runs to the end of the text.
        /// </summary>
        /// <param name="value">The text after the response prefix.</param>
        /// <returns>The fields; one empty field for empty text.</returns>
        public static string[] SplitFields(string value)
        {
            int count = 1;
            bool quoted = false;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    count++;
                }
            }

            string[] fields = new string[count];
            int field = 0;
            int start = 0;
            quoted = false;
            for (int i = 0; i <= value.Length; i++)
            {
                bool end = i == value.Length;
                if (!end)
                {
                    char c = value[i];
                    if (c == '"')
                    {
                        quoted = !quoted;
                        continue;
                    }

                    if (c != ',' || quoted)
                    {
                        continue;
                    }
                }

                fields[field++] = Unquote(value.Substring(start, i - start).Trim());
                start = i + 1;
            }

            return fields;
        }

        /// <summary>Removes one pair of surrounding double quotes, or a leading one when the closing quote is missing.</summary>
        /// <param name="s">The field.</param>
        /// <returns>The field without its quotes.</returns>
        public static string Unquote(string s)
        {
            if (s.Length >= 2 && s[0] == '"' && s[s.Length - 1] == '"')
            {
                return s.Substring(1, s.Length - 2);
            }

            if (s.Length >= 1 && s[0] == '"')
            {
                return s.Substring(1);
            }

            return s;
        }

        /// <summary>
        /// True when <paramref name="s"/> can go between double quotes in a command: printable ASCII,
        /// no double quote (AT has no escape for it), 1 to <paramref name="maxLength"/> characters.
        /// </summary>
        /// <param name="s">The text.</param>
        /// <param name="maxLength">Longest allowed.</param>
        /// <returns>True when it is safe to quote.</returns>
        public static bool IsQuotable(string? s, int maxLength)
        {
            if (s == null || s.Length < 1 || s.Length > maxLength)
            {
                return false;
            }

            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < ' ' || c > '~' || c == '"')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Wraps text in double quotes.</summary>
        /// <param name="s">The text (checked with <see cref="IsQuotable"/>).</param>
        /// <returns><c>"s"</c>.</returns>
        public static string Quote(string s)
        {
            return "\"" + s + "\"";
        }

        /// <summary>ASCII bytes of a string; a character above 0x7E becomes <c>?</c>.</summary>
        /// <param name="s">The text.</param>
        /// <returns>One byte per character.</returns>
        public static byte[] ToAscii(string s)
        {
            byte[] bytes = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                bytes[i] = c <= '~' ? (byte)c : (byte)'?';
            }

            return bytes;
        }

        /// <summary>A string of one character per byte (ASCII; bytes above 0x7F map to the same code point).</summary>
        /// <param name="bytes">Source.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The text.</returns>
        public static string FromAscii(byte[] bytes, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = (char)bytes[offset + i];
            }

            return new string(chars);
        }

        /// <summary>Decodes hexadecimal text (either case, even length) from <c>s[start..end)</c>.</summary>
        /// <param name="s">The text.</param>
        /// <param name="start">Index of the first digit.</param>
        /// <param name="end">Index after the last digit.</param>
        /// <param name="bytes">The decoded bytes.</param>
        /// <returns>False on an odd length or a non-hex character.</returns>
        public static bool TryDecodeHex(string s, int start, int end, out byte[] bytes)
        {
            bytes = new byte[0];
            int n = end - start;
            if (n < 0 || (n & 1) != 0)
            {
                return false;
            }

            byte[] result = new byte[n / 2];
            for (int i = 0; i < result.Length; i++)
            {
                int hi = HexValue(s[start + (2 * i)]);
                int lo = HexValue(s[start + (2 * i) + 1]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }

                result[i] = (byte)((hi << 4) | lo);
            }

            bytes = result;
            return true;
        }

        /// <summary>Eight upper-case hex digits of a 32-bit value.</summary>
        /// <param name="value">The value.</param>
        /// <returns>For example <c>0A1B2C3D</c>.</returns>
        public static string ToHex(uint value)
        {
            char[] chars = new char[8];
            for (int i = 7; i >= 0; i--)
            {
                chars[i] = HexDigits[(int)(value & 0xF)];
                value >>= 4;
            }

            return new string(chars);
        }

        /// <summary>Two decimal digits, zero-padded (0 to 99).</summary>
        /// <param name="value">The value.</param>
        /// <returns>For example <c>07</c>.</returns>
        public static string TwoDigits(int value)
        {
            char[] chars = new char[2];
            chars[0] = (char)('0' + ((value / 10) % 10));
            chars[1] = (char)('0' + (value % 10));
            return new string(chars);
        }

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }
    }
}
