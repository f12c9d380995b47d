using Tracker.Core.Common;

namespace Tracker.Core.Reporting
{
    /// <summary>
    /// Reads the report configuration file that the provisioning tool writes to the device's flash.
    /// </summary>
    /// <remarks>
    /// Format, one setting a line, read by the firmware's one <see cref="ConfigLineReader"/> (the
    /// rules of the tracker's config file):
    /// <code>
    /// # comment
    /// report.moving.minPeriodS = 5   # trailing comment
    /// </code>
    /// Lines end with LF or CRLF; a leading UTF-8 byte-order mark is ignored. '#' starts a comment.
    /// Blank lines are ignored. Spaces and tabs around the key and the value are ignored. Keys are
    /// case-sensitive and must be declared in <see cref="ReportSetting"/>. Values are bare whole
    /// decimal numbers (an optional sign, then digits). A key the file omits takes its documented
    /// default; a key written with a bad value is an error, never a silent default. The first error
    /// wins and names its line and key.
    /// </remarks>
    public static class ReportConfigLoader
    {
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

        /// <summary>
        /// Parses an optional '+' or '-' followed by 1 to 10 decimal digits that fit in an
        /// <see cref="int"/> (<see cref="ConfigLineReader.TryParseInt"/>). Never throws.
        /// </summary>
        /// <param name="text">The text.</param>
        /// <param name="value">The number, or 0 on failure.</param>
        /// <returns>True when <paramref name="text"/> is exactly one such number.</returns>
        public static bool TryParseInt(string text, out int value)
        {
            return ConfigLineReader.TryParseInt(text, out value);
        }

        /// <summary>
        /// Applies the current line of <paramref name="reader"/> to <paramref name="draft"/>: its
        /// shape, the quoting of its value, then the value itself.
        /// </summary>
        /// <param name="reader">A reader on a line whose key is a report key (or a line with a bad shape).</param>
        /// <param name="draft">The configuration being read.</param>
        /// <returns>Null when the line is taken, or the error about it.</returns>
        private static ReportConfigResult? ReadLine(ConfigLineReader reader, ReportConfigDraft draft)
        {
            if (reader.Error == ConfigLineError.MissingEquals)
            {
                return ReportConfigResult.Fail(ReportConfigError.MissingEquals, reader.Key, reader.Line, reader.Problem);
            }

            if (reader.Error == ConfigLineError.EmptyKey)
            {
                return ReportConfigResult.Fail(ReportConfigError.EmptyKey, reader.Key, reader.Line, reader.Problem);
            }

            string value;
            bool quoted;
            string problem;
            if (reader.ReadValue(out value, out quoted, out problem) != ConfigLineError.None)
            {
                return ReportConfigResult.Fail(ReportConfigError.BadQuotes, reader.Key, reader.Line, reader.Key + ": " + problem);
            }

            return draft.Set(reader.Key, value, quoted, reader.Line);
        }

        private static ReportConfigResult LoadText(string text, bool sectionOnly)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            ConfigLineReader reader = new ConfigLineReader(text);
            ReportConfigDraft draft = new ReportConfigDraft();
            while (reader.MoveNext())
            {
                if (sectionOnly && reader.Error == ConfigLineError.None && !reader.Key.StartsWith(KeyPrefix))
                {
                    continue;
                }

                ReportConfigResult? error = ReadLine(reader, draft);
                if (error != null)
                {
                    return error;
                }
            }

            return draft.Build();
        }
    }
}
