using Tracker.Core.Common;

namespace Tracker.Core.Reporting
{
    /// <summary>
    /// A report configuration being read, one key at a time: the <c>report.*</c> values of a file
    /// (<see cref="ReportConfigLoader"/>, or the tracker's config file) or, key by key, of another
    /// document. Each value is checked as it is set; <see cref="Build"/> checks the ranges and the
    /// rules between keys. Values not set keep their defaults.
    /// </summary>
    public sealed class ReportConfigDraft
    {
        private readonly int[] _values = ReportConfig.Defaults();
        private readonly int[] _lines = new int[ReportSetting.Count];

        /// <summary>
        /// Sets one key. The value must be a bare whole number (<see cref="ConfigLineReader.TryParseInt"/>);
        /// the range is checked by <see cref="Build"/>, with the rules between keys.
        /// </summary>
        /// <param name="key">The key (case-sensitive), one of <see cref="ReportSetting"/>'s.</param>
        /// <param name="value">The value's text.</param>
        /// <param name="quoted">True when the value was quoted (a number never is).</param>
        /// <param name="line">The 1-based line it came from, for messages (a document without lines numbers its entries from 1); it also marks the key as set.</param>
        /// <returns>Null when the value is taken, or the error (unknown key, a key set twice, not a number).</returns>
        public ReportConfigResult? Set(string key, string value, bool quoted, int line)
        {
            if (key == null)
            {
                throw new System.ArgumentNullException(nameof(key));
            }

            if (value == null)
            {
                throw new System.ArgumentNullException(nameof(value));
            }

            if (line < 1)
            {
                throw new System.ArgumentOutOfRangeException(nameof(line), "line numbers start at 1");
            }

            int index = ReportSetting.IndexOf(key);
            if (index < 0)
            {
                string shown = ConfigLineReader.Shorten(key);
                return ReportConfigResult.Fail(ReportConfigError.UnknownKey, shown, line, "unknown key '" + shown + "'");
            }

            if (_lines[index] != 0)
            {
                return ReportConfigResult.Fail(
                    ReportConfigError.DuplicateKey, key, line, key + " is set twice (first on line " + _lines[index].ToString() + ")");
            }

            int number;
            if (quoted || !ConfigLineReader.TryParseInt(value, out number))
            {
                return ReportConfigResult.Fail(
                    ReportConfigError.BadNumber,
                    key,
                    line,
                    string.Concat(new string[] { key, " = '", ConfigLineReader.Shorten(quoted ? "\"" + value + "\"" : value), "' is not a whole number" }));
            }

            _values[index] = number;
            _lines[index] = line;
            return null;
        }

        /// <summary>Checks every value's range and the rules between keys, and builds the configuration.</summary>
        /// <returns>The configuration, or the first error (naming the key, and the line it was set on).</returns>
        public ReportConfigResult Build()
        {
            return ReportConfig.Validate(_values, _lines);
        }
    }
}
