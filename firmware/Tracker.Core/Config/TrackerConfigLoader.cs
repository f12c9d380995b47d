using Tracker.Core.Common;
using Tracker.Core.Reporting;

namespace Tracker.Core.Config
{
    /// <summary>
    /// Reads the tracker's one config file, written by the provisioning tool and deployed to flash
    /// with nanoff (<see cref="DevicePath"/>). Never throws on bad text: the result names the first
    /// error's key and line. Format and every key: Config/README.md.
    /// </summary>
    /// <remarks>
    /// <para>The lines are read by the firmware's one <see cref="ConfigLineReader"/> (the report
    /// configuration's reader too) and their values set, key by key, on a
    /// <see cref="TrackerConfigDraft"/>, which then checks the rules between keys.</para>
    /// <para>Errors: a line without '=', an empty key, an unknown key, a key set twice, a bad
    /// number, choice, character or quote, a value out of range, a missing required key, or a
    /// contradiction between keys. The <c>report.*</c> lines follow the report rules
    /// (Reporting/README.md), whose errors include the rules between report keys; between a report
    /// error and an error on another line, the earlier line wins.</para>
    /// </remarks>
    public static class TrackerConfigLoader
    {
        /// <summary>Where the device reads the file (LittleFS on the ESP32's flash).</summary>
        public const string DevicePath = "I:\\tracker.conf";

        /// <summary>The largest message payload the SIM7080G's <c>AT+SMPUB</c> takes (SIM7080 AT manual §17).</summary>
        public const int ModemMaxMessageBytes = 1024;

        /// <summary>Parses and validates the whole file. Never throws on bad text.</summary>
        /// <param name="text">The file's content (not null).</param>
        /// <returns>The configuration, or the first error with its key and line.</returns>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public static TrackerConfigResult Load(string text)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            ConfigLineReader reader = new ConfigLineReader(text);
            TrackerConfigDraft draft = new TrackerConfigDraft();

            // The first error on a line of the tracker's own keys, and the first on a report line; a
            // line whose shape is wrong is the first error of both. Each kind of line is read until its
            // own first error, as the report rules between keys may still blame an earlier line.
            TrackerConfigResult? lineError = null;
            TrackerConfigResult? reportError = null;
            while (reader.MoveNext())
            {
                if (reader.Error != ConfigLineError.None)
                {
                    TrackerConfigResult shape = TrackerConfigResult.Fail(
                        reader.Error == ConfigLineError.MissingEquals ? TrackerConfigError.MissingEquals : TrackerConfigError.EmptyKey,
                        reader.Key,
                        reader.Line,
                        reader.Problem);
                    lineError = lineError ?? shape;
                    reportError = reportError ?? shape;
                    continue;
                }

                bool report = TrackerConfigDraft.IsReportKey(reader.Key);
                if ((report && reportError != null) || (!report && lineError != null))
                {
                    continue;
                }

                string value;
                bool quoted;
                string problem;
                TrackerConfigResult? error = reader.ReadValue(out value, out quoted, out problem) == ConfigLineError.None
                    ? draft.Set(reader.Key, value, quoted, reader.Line)
                    : TrackerConfigResult.Fail(TrackerConfigError.BadQuotes, reader.Key, reader.Line, reader.Key + ": " + problem);
                if (error == null)
                {
                    continue;
                }

                if (report)
                {
                    reportError = error;
                }
                else
                {
                    lineError = error;
                }
            }

            if (lineError == null && reportError == null)
            {
                return draft.Build();
            }

            TrackerConfigResult? reportResult = reportError ?? draft.CheckReport();
            if (lineError != null && (reportResult == null || reportResult.Line == 0 || lineError.Line <= reportResult.Line))
            {
                return lineError;
            }

            return reportResult!;
        }

        /// <summary>
        /// Writes a text value so that <see cref="Load"/> reads it back exactly: in double quotes, with
        /// '"' and '\' escaped (<see cref="ConfigLineReader.QuoteValue"/>). For the provisioning tool.
        /// </summary>
        /// <param name="value">The text (without line breaks).</param>
        /// <returns>The quoted value.</returns>
        /// <exception cref="System.ArgumentException">The value holds a line break, which a one-line value cannot carry.</exception>
        public static string QuoteValue(string value)
        {
            return ConfigLineReader.QuoteValue(value);
        }
    }
}
