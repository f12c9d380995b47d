namespace Tracker.Core.Common
{
    /// <summary>
    /// The one reader of the firmware's <c>key = value</c> text: the tracker's config file
    /// (<c>tracker.conf</c>, Config/README.md) and the report configuration (Reporting/README.md) are
    /// read by it line by line, and the loaders behind it take their values one key at a time, so a
    /// shadow document can feed the same loaders key by key. Never throws on bad text.
    /// </summary>
    /// <remarks>
    /// <para>Syntax: one <c>key = value</c> a line, lines ending in LF or CRLF, a UTF-8 byte order mark
    /// at the start ignored. <c>#</c> starts a comment (a whole line, or after a value); blank lines,
    /// and spaces and tabs around the key and the value, are ignored. Keys are case-sensitive.</para>
    /// <para>A value is bare (up to a <c>#</c>, trimmed; it may not hold <c>"</c>) or in double quotes,
    /// to hold <c>#</c>, <c>"</c> (written <c>\"</c>), <c>\</c> (written <c>\\</c>) or leading and
    /// trailing spaces; only a comment may follow the closing quote, and <c>""</c> is the empty text.
    /// Whether an empty bare value, or a quoted one, is acceptable is the key's kind's business (a
    /// number must be bare digits), so this reader only reports it.</para>
    /// <para>Use: <see cref="MoveNext"/> to each line that is not blank or a comment; when
    /// <see cref="Error"/> is <see cref="ConfigLineError.None"/>, <see cref="Key"/> holds the key and
    /// <see cref="ReadValue"/> reads its value (a loader skips other sections' lines without reading
    /// their values).</para>
    /// </remarks>
    public sealed class ConfigLineReader
    {
        /// <summary>Longest piece of the file quoted back in a message, so a binary file makes a short message.</summary>
        public const int MaxQuoted = 40;

        private readonly string _text;
        private int _pos;
        private string _line = string.Empty;
        private int _eq;

        /// <summary>Starts reading <paramref name="text"/>.</summary>
        /// <param name="text">The whole text (not null).</param>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public ConfigLineReader(string text)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            _text = text;
            _pos = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            Key = string.Empty;
            Problem = string.Empty;
        }

        /// <summary>The 1-based number of the current line (blank and comment lines are counted).</summary>
        public int Line { get; private set; }

        /// <summary>What is wrong with the current line's shape: <see cref="ConfigLineError.MissingEquals"/>, <see cref="ConfigLineError.EmptyKey"/>, or none.</summary>
        public ConfigLineError Error { get; private set; }

        /// <summary>The current line's key; with <see cref="ConfigLineError.MissingEquals"/>, the line's text (shortened) where the key should have been; empty with <see cref="ConfigLineError.EmptyKey"/>.</summary>
        public string Key { get; private set; }

        /// <summary>A message about the current line's <see cref="Error"/> (it names the line's text), or empty.</summary>
        public string Problem { get; private set; }

        /// <summary>Moves to the next line that is neither blank nor a comment.</summary>
        /// <returns>False at the end of the text.</returns>
        public bool MoveNext()
        {
            while (_pos < _text.Length)
            {
                Line++;
                int end = _text.IndexOf('\n', _pos);
                if (end < 0)
                {
                    end = _text.Length;
                }

                string line = _text.Substring(_pos, end - _pos);
                _pos = end + 1;
                string trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed[0] == '#')
                {
                    continue;
                }

                _line = line;
                Classify();
                return true;
            }

            return false;
        }

        /// <summary>
        /// Reads the current line's value (call it only when <see cref="Error"/> is
        /// <see cref="ConfigLineError.None"/>).
        /// </summary>
        /// <param name="value">The value: unescaped when quoted, trimmed when bare (may be empty).</param>
        /// <param name="quoted">True when the value was in double quotes.</param>
        /// <param name="problem">What is wrong with the quoting, without the key; empty when none.</param>
        /// <returns><see cref="ConfigLineError.None"/>, or <see cref="ConfigLineError.BadQuotes"/>.</returns>
        public ConfigLineError ReadValue(out string value, out bool quoted, out string problem)
        {
            value = string.Empty;
            quoted = false;
            problem = string.Empty;
            string line = _line;
            int i = _eq + 1;
            while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                char[] chars = new char[line.Length - i];
                int n = 0;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        problem = "the quoted value has no closing '\"'";
                        return ConfigLineError.BadQuotes;
                    }

                    char c = line[i];
                    if (c == '"')
                    {
                        i++;
                        break;
                    }

                    if (c == '\\')
                    {
                        if (i + 1 < line.Length && (line[i + 1] == '"' || line[i + 1] == '\\'))
                        {
                            chars[n++] = line[i + 1];
                            i += 2;
                            continue;
                        }

                        problem = "in quotes, '\\' must be followed by '\"' or '\\'";
                        return ConfigLineError.BadQuotes;
                    }

                    chars[n++] = c;
                    i++;
                }

                string rest = line.Substring(i).Trim();
                if (rest.Length > 0 && rest[0] != '#')
                {
                    problem = "only a comment may follow the closing '\"'";
                    return ConfigLineError.BadQuotes;
                }

                value = new string(chars, 0, n);
                quoted = true;
                return ConfigLineError.None;
            }

            int hash = line.IndexOf('#', i);
            string raw = (hash < 0 ? line.Substring(i) : line.Substring(i, hash - i)).Trim();
            if (raw.IndexOf('"') >= 0)
            {
                problem = "a value holding '\"' must be quoted whole, with \\\" inside";
                return ConfigLineError.BadQuotes;
            }

            value = raw;
            return ConfigLineError.None;
        }

        /// <summary>
        /// Parses an optional '+' or '-' followed by 1 to 10 decimal digits that fit in an
        /// <see cref="int"/>. Nothing else is accepted: no spaces inside, no decimal point, no
        /// exponent, no thousands separators. Never throws.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="value">The number, or 0 on failure.</param>
        /// <returns>True when <paramref name="text"/> is exactly one such number.</returns>
        public static bool TryParseInt(string text, out int value)
        {
            value = 0;
            if (text == null || text.Length == 0)
            {
                return false;
            }

            int i = 0;
            bool negative = false;
            if (text[0] == '-' || text[0] == '+')
            {
                negative = text[0] == '-';
                i = 1;
            }

            if (i == text.Length)
            {
                return false;
            }

            long acc = 0;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                acc = (acc * 10) + (c - '0');
                if (acc > 2147483648L)
                {
                    return false;
                }
            }

            if (negative)
            {
                acc = -acc;
            }

            if (acc > int.MaxValue)
            {
                return false;
            }

            value = (int)acc;
            return true;
        }

        /// <summary>
        /// Writes a text value so that this reader reads it back exactly: in double quotes, with '"'
        /// and '\' escaped. For the provisioning tool.
        /// </summary>
        /// <param name="value">The text (without line breaks).</param>
        /// <returns>The quoted value.</returns>
        /// <exception cref="System.ArgumentException">The value holds a line break, which a one-line value cannot carry.</exception>
        public static string QuoteValue(string value)
        {
            if (value == null)
            {
                throw new System.ArgumentNullException(nameof(value));
            }

            char[] chars = new char[(2 * value.Length) + 2];
            int n = 0;
            chars[n++] = '"';
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '\n' || c == '\r')
                {
                    throw new System.ArgumentException("a config value cannot hold a line break", nameof(value));
                }

                if (c == '"' || c == '\\')
                {
                    chars[n++] = '\\';
                }

                chars[n++] = c;
            }

            chars[n++] = '"';
            return new string(chars, 0, n);
        }

        /// <summary>Shortens a piece of the file to <see cref="MaxQuoted"/> characters for a message.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The text, or its start followed by "...".</returns>
        public static string Shorten(string text)
        {
            return text.Length <= MaxQuoted ? text : text.Substring(0, MaxQuoted) + "...";
        }

        // The line's shape: a key before an '=' that no comment precedes.
        private void Classify()
        {
            string line = _line;
            Problem = string.Empty;
            _eq = line.IndexOf('=');
            int hash = line.IndexOf('#');
            if (_eq < 0 || (hash >= 0 && hash < _eq))
            {
                string quoted = Shorten((hash >= 0 ? line.Substring(0, hash) : line).Trim());
                Error = ConfigLineError.MissingEquals;
                Key = quoted;
                Problem = "'" + quoted + "' has no '=': expected key = value";
                return;
            }

            Key = line.Substring(0, _eq).Trim();
            if (Key.Length == 0)
            {
                Error = ConfigLineError.EmptyKey;
                Problem = "no key before '='";
                return;
            }

            Error = ConfigLineError.None;
        }
    }
}
