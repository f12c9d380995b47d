namespace Tracker.Core.Reporting
{
    /// <summary>
    /// Reads the report configuration file that the provisioning tool writes to the device's flash.
    /// </summary>
    /// <remarks>
    /// Format, one setting a line:
    /// <code>
    /// # comment
    /// report.moving.minPeriodS = 5   # trailing comment
    /// </code>
    /// Lines end with LF or CRLF; a leading UTF-8 byte-order mark is ignored. Everything from '#'
    /// to the end of a line is a comment. Blank lines are ignored. Spaces and tabs around the key and
    /// the value are ignored. Keys are case-sensitive and must be declared in
    /// <see cref="ReportSetting"/>. Values are whole decimal numbers (an optional sign, then
    /// digits). A key the file omits takes its documented default; a key written with a bad value
    /// is an error, never a silent default. The first error wins and names its line and key.
    /// </remarks>
    public static class ReportConfigLoader
    {
        // Longest line text quoted back in a message, so a binary file makes a short message.
        private const int MaxQuoted = 40;

        /// <summary>The prefix every report key starts with.</summary>
        public const string KeyPrefix = "report.";

        /// <summary>Parses and validates configuration text. Never throws on bad text.</summary>
        /// <param name="text">The file's content (not null; an empty file gives the defaults).</param>
        /// <returns>The configuration, or the first error with its key and line.</returns>
        public static ReportConfigResult Load(string text)
        {
            return LoadText(text, false);
        }

        /// <summary>
        /// Reads the <c>report.*</c> keys of a file that holds other keys too (the tracker's config
        /// file, Config/README.md): a line whose key does not start with <see cref="KeyPrefix"/> is
        /// left to that file's own loader and skipped here. Everything else is as in
        /// <see cref="Load(string)"/>: line numbers count every line of the file, and a line without
        /// '=' or with an empty key is still an error. Never throws on bad text.
        /// </summary>
        /// <param name="text">The whole file's content (not null).</param>
        /// <returns>The configuration, or the first error about a report line (or between report keys).</returns>
        public static ReportConfigResult LoadSection(string text)
        {
            return LoadText(text, true);
        }

        private static ReportConfigResult LoadText(string text, bool sectionOnly)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException("text");
            }

            int[] values = ReportConfig.Defaults();
            int[] lines = new int[ReportSetting.Count];
            int pos = 0;
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                pos = 1;
            }

            int lineNumber = 0;
            while (pos < text.Length)
            {
                lineNumber++;
                int end = text.IndexOf('\n', pos);
                if (end < 0)
                {
                    end = text.Length;
                }

                string line = text.Substring(pos, end - pos);
                pos = end + 1;

                ReportConfigResult? error = ReadLine(line, lineNumber, values, lines, sectionOnly);
                if (error != null)
                {
                    return error;
                }
            }

            return ReportConfig.Validate(values, lines);
        }

        // Applies one line to values/lines; returns null when the line is fine.
        private static ReportConfigResult? ReadLine(string line, int lineNumber, int[] values, int[] lines, bool sectionOnly)
        {
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line.Substring(0, hash);
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                return null;
            }

            int eq = line.IndexOf('=');
            if (eq < 0)
            {
                string quoted = Quote(line);
                return ReportConfigResult.Fail(
                    ReportConfigError.MissingEquals,
                    quoted,
                    lineNumber,
                    "'" + quoted + "' has no '=': expected key = value");
            }

            string key = line.Substring(0, eq).Trim();
            string valueText = line.Substring(eq + 1).Trim();
            if (key.Length == 0)
            {
                return ReportConfigResult.Fail(
                    ReportConfigError.EmptyKey, string.Empty, lineNumber, "no key before '='");
            }

            if (sectionOnly && !key.StartsWith(KeyPrefix))
            {
                return null;
            }

            int index = ReportSetting.IndexOf(key);
            if (index < 0)
            {
                string quoted = Quote(key);
                return ReportConfigResult.Fail(
                    ReportConfigError.UnknownKey, quoted, lineNumber, "unknown key '" + quoted + "'");
            }

            if (lines[index] != 0)
            {
                return ReportConfigResult.Fail(
                    ReportConfigError.DuplicateKey,
                    key,
                    lineNumber,
                    key + " is set twice (first on line " + lines[index].ToString() + ")");
            }

            int value;
            if (!TryParseInt(valueText, out value))
            {
                return ReportConfigResult.Fail(
                    ReportConfigError.BadNumber,
                    key,
                    lineNumber,
                    string.Concat(new string[]
                    {
                        key, " = '", Quote(valueText), "' is not a whole number",
                    }));
            }

            values[index] = value;
            lines[index] = lineNumber;
            return null;
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

        private static string Quote(string text)
        {
            return text.Length <= MaxQuoted ? text : text.Substring(0, MaxQuoted) + "...";
        }
    }
}
