namespace Tracker.Core.Common
{
    /// <summary>
    /// Writes JSON strings (RFC 8259 §7): in double quotes, with '"', '\' and the control characters
    /// escaped, everything else as it is (the caller encodes the document as UTF-8).
    /// </summary>
    public static class JsonText
    {
        /// <summary>The JSON string for <paramref name="text"/>.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The quoted, escaped text.</returns>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public static string Quote(string text)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            char[] chars = new char[(6 * text.Length) + 2];
            int n = 0;
            chars[n++] = '"';
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"' || c == '\\')
                {
                    chars[n++] = '\\';
                    chars[n++] = c;
                }
                else if (c < ' ')
                {
                    chars[n++] = '\\';
                    chars[n++] = 'u';
                    chars[n++] = '0';
                    chars[n++] = '0';
                    chars[n++] = HexDigit(c >> 4);
                    chars[n++] = HexDigit(c & 0xF);
                }
                else
                {
                    chars[n++] = c;
                }
            }

            chars[n++] = '"';
            return new string(chars, 0, n);
        }

        private static char HexDigit(int value)
        {
            return (char)(value < 10 ? '0' + value : 'a' + value - 10);
        }
    }
}
