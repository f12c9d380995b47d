using Tracker.Core.Common;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;

namespace Tracker.Core.Config
{
    /// <summary>
    /// A tracker configuration being read, one key at a time: every key of Config/README.md,
    /// <c>report.*</c> included. <see cref="TrackerConfigLoader"/> feeds it the lines of
    /// <c>tracker.conf</c>; a shadow document can feed it the same keys. Each value is checked
    /// against its kind, range and character rule as it is set; <see cref="Build"/> then checks the
    /// report rules, the required keys and the rules between keys, and builds the configuration.
    /// </summary>
    public sealed class TrackerConfigDraft
    {
        private readonly int[] _numbers;
        private readonly string?[] _texts;
        private readonly int[] _lines;
        private readonly ReportConfigDraft _report = new ReportConfigDraft();

        /// <summary>Creates a draft with every default and no key set.</summary>
        public TrackerConfigDraft()
        {
            int count = TrackerSetting.Count;
            _numbers = new int[count];
            _texts = new string?[count];
            _lines = new int[count];
            for (int i = 0; i < count; i++)
            {
                _numbers[i] = TrackerSetting.At(i).Default;

                // Assigned, not left as new string[n] made it: the interpreter compares a
                // never-assigned slot with null wrongly (DESIGN.md).
                _texts[i] = null;
            }
        }

        /// <summary>True when <paramref name="key"/> belongs to the report policy (<see cref="ReportConfigLoader.KeyPrefix"/>).</summary>
        /// <param name="key">A key.</param>
        /// <returns>Whether the report rules read it.</returns>
        public static bool IsReportKey(string key)
        {
            return key.StartsWith(ReportConfigLoader.KeyPrefix);
        }

        /// <summary>
        /// Sets one key: a number must be bare digits in its range (a pin a GPIO the ESP32-S3 has), a
        /// choice one of its words (bare), a text within its length and character rule (bare and not
        /// empty, or quoted).
        /// </summary>
        /// <param name="key">The key (case-sensitive).</param>
        /// <param name="value">The value's text (unescaped when it was quoted).</param>
        /// <param name="quoted">True when the value was in double quotes.</param>
        /// <param name="line">The 1-based line it came from, for messages (a document without lines numbers its entries from 1); it also marks the key as set.</param>
        /// <returns>Null when the value is taken, or the error about it (naming the key and the line).</returns>
        public TrackerConfigResult? Set(string key, string value, bool quoted, int line)
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

            if (IsReportKey(key))
            {
                ReportConfigResult? reportError = _report.Set(key, value, quoted, line);
                return reportError == null ? null : FromReport(reportError);
            }

            int index = TrackerSetting.IndexOf(key);
            if (index < 0)
            {
                string shown = ConfigLineReader.Shorten(key);
                return TrackerConfigResult.Fail(TrackerConfigError.UnknownKey, shown, line, "unknown key '" + shown + "' (Config/README.md lists every key)");
            }

            TrackerSetting setting = TrackerSetting.At(index);
            if (_lines[index] != 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.DuplicateKey, key, line, key + " is set twice (first on line " + _lines[index].ToString() + ")");
            }

            TrackerConfigResult? error;
            if (setting.Kind == SettingKind.Text)
            {
                error = SetText(setting, value, quoted, line);
            }
            else if (setting.Kind == SettingKind.Choice)
            {
                error = SetChoice(setting, value, quoted, line);
            }
            else
            {
                error = SetNumber(setting, value, quoted, line);
            }

            if (error == null)
            {
                _lines[index] = line;
            }

            return error;
        }

        /// <summary>
        /// Checks the report rules, the required keys and the rules between keys (Config/README.md),
        /// and builds the configuration.
        /// </summary>
        /// <returns>The configuration, or the first error.</returns>
        public TrackerConfigResult Build()
        {
            ReportConfigResult report = _report.Build();
            if (!report.IsOk)
            {
                return FromReport(report);
            }

            TrackerConfigResult? error = TrackerConfigRules.CheckRequired(_texts, _lines);
            if (error != null)
            {
                return error;
            }

            error = TrackerConfigRules.CheckBetweenKeys(_numbers, _texts, _lines);
            if (error != null)
            {
                return error;
            }

            UplinkTopics? topics;
            string topicError;
            string carId = _texts[TrackerSetting.CarId.Index]!;
            string? rule = _texts[TrackerSetting.MqttIngestRule.Index];
            if (!UplinkTopics.TryCreate(carId, rule, out topics, out topicError))
            {
                TrackerSetting blamed = rule != null ? TrackerSetting.MqttIngestRule : TrackerSetting.CarId;
                return TrackerConfigResult.Fail(TrackerConfigError.Inconsistent, blamed.Key, _lines[blamed.Index], blamed.Key + ": " + topicError);
            }

            UplinkOptions uplink = new UplinkOptions(
                topics!,
                _numbers[TrackerSetting.MqttKeepAliveS.Index],
                _numbers[TrackerSetting.UplinkNormalPeriodS.Index] * 1000,
                _numbers[TrackerSetting.UplinkLivePeriodS.Index] * 1000,
                _numbers[TrackerSetting.UplinkLiveWhenMoving.Index] == 1,
                _numbers[TrackerSetting.UplinkMaxWatchS.Index] * 1000,
                _numbers[TrackerSetting.UplinkStatusPeriodS.Index] * 1000,
                _numbers[TrackerSetting.UplinkMaxInFlight.Index],
                _numbers[TrackerSetting.UplinkBatchFixes.Index],
                _numbers[TrackerSetting.UplinkMaxMessageBytes.Index],
                _numbers[TrackerSetting.UplinkAckTimeoutS.Index] * 1000,
                _numbers[TrackerSetting.UplinkBackoffBaseS.Index] * 1000,
                _numbers[TrackerSetting.UplinkBackoffCapS.Index] * 1000);
            // Copies: the configuration stays as it is if the draft is set again.
            int[] numbers = new int[_numbers.Length];
            string?[] texts = new string?[_texts.Length];
            int[] lines = new int[_lines.Length];
            for (int i = 0; i < numbers.Length; i++)
            {
                numbers[i] = _numbers[i];
                texts[i] = _texts[i];
                lines[i] = _lines[i];
            }

            return TrackerConfigResult.Ok(new TrackerConfig(numbers, texts, lines, report.Config!, topics!, uplink));
        }

        /// <summary>The report keys' ranges and rules between them, as a tracker result (null when they hold).</summary>
        /// <returns>Null, or the error (with the line of the key it blames, or 0).</returns>
        internal TrackerConfigResult? CheckReport()
        {
            ReportConfigResult report = _report.Build();
            return report.IsOk ? null : FromReport(report);
        }

        /// <summary>A report error as a tracker error: the same error, key, line and message.</summary>
        /// <param name="report">The failed report result.</param>
        /// <returns>The tracker result.</returns>
        internal static TrackerConfigResult FromReport(ReportConfigResult report)
        {
            TrackerConfigError error;
            switch (report.Error)
            {
                case ReportConfigError.MissingEquals:
                    error = TrackerConfigError.MissingEquals;
                    break;
                case ReportConfigError.EmptyKey:
                    error = TrackerConfigError.EmptyKey;
                    break;
                case ReportConfigError.UnknownKey:
                    error = TrackerConfigError.UnknownKey;
                    break;
                case ReportConfigError.DuplicateKey:
                    error = TrackerConfigError.DuplicateKey;
                    break;
                case ReportConfigError.BadNumber:
                    error = TrackerConfigError.BadNumber;
                    break;
                case ReportConfigError.OutOfRange:
                    error = TrackerConfigError.OutOfRange;
                    break;
                case ReportConfigError.BadQuotes:
                    error = TrackerConfigError.BadQuotes;
                    break;
                default:
                    error = TrackerConfigError.Inconsistent;
                    break;
            }

            return TrackerConfigResult.FailWithMessage(error, report.Key, report.Line, report.Message);
        }

        private TrackerConfigResult? SetText(TrackerSetting setting, string value, bool quoted, int line)
        {
            if (!quoted && value.Length == 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.EmptyValue, setting.Key, line, setting.Key + " has no value: leave the line out, or write \"\" for an empty text");
            }

            int length = setting.Rule == TextRule.Utf8 ? Utf8.ByteCount(value) : value.Length;
            if (length < setting.Min || length > setting.Max)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.OutOfRange,
                    setting.Key,
                    line,
                    string.Concat(new string[]
                    {
                        setting.Key, " is ", length.ToString(), " ", setting.Unit, " long: allowed ",
                        setting.Min.ToString(), "..", setting.Max.ToString(), " ", setting.Unit,
                    }));
            }

            if (!TextRules.IsValid(setting.Rule, value))
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.BadText,
                    setting.Key,
                    line,
                    string.Concat(new string[]
                    {
                        setting.Key, " = '", ConfigLineReader.Shorten(value), "' holds characters it may not: ", TextRules.Describe(setting.Rule),
                    }));
            }

            _texts[setting.Index] = value;
            return null;
        }

        private TrackerConfigResult? SetChoice(TrackerSetting setting, string value, bool quoted, int line)
        {
            int choice = quoted ? -1 : setting.ChoiceIndex(value);
            if (choice < 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.BadChoice,
                    setting.Key,
                    line,
                    string.Concat(new string[] { setting.Key, " = '", Shown(value, quoted), "' is not one of: ", Choices(setting) }));
            }

            _numbers[setting.Index] = choice;
            return null;
        }

        private TrackerConfigResult? SetNumber(TrackerSetting setting, string value, bool quoted, int line)
        {
            int number;
            if (quoted || !ConfigLineReader.TryParseInt(value, out number))
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.BadNumber,
                    setting.Key,
                    line,
                    string.Concat(new string[] { setting.Key, " = '", Shown(value, quoted), "' is not a whole number" }));
            }

            if (number < setting.Min || number > setting.Max || (setting.IsPin && number >= 22 && number <= 25))
            {
                string allowed = setting.IsPin
                    ? (setting.Min < 0 ? "a GPIO of the ESP32-S3 (0..21, 26..48), or -1 for none" : "a GPIO of the ESP32-S3 (0..21, 26..48)")
                    : setting.Min.ToString() + ".." + setting.Max.ToString() + (setting.Unit.Length > 0 ? " " + setting.Unit : string.Empty);
                return TrackerConfigResult.Fail(
                    TrackerConfigError.OutOfRange,
                    setting.Key,
                    line,
                    string.Concat(new string[] { setting.Key, " = ", number.ToString(), " is out of range: allowed ", allowed }));
            }

            _numbers[setting.Index] = number;
            return null;
        }

        private static string Shown(string value, bool quoted)
        {
            return ConfigLineReader.Shorten(quoted ? "\"" + value + "\"" : value);
        }

        private static string Choices(TrackerSetting setting)
        {
            string[] choices = setting.Choices!;
            string all = choices[0];
            for (int i = 1; i < choices.Length; i++)
            {
                all = all + "|" + choices[i];
            }

            return all;
        }
    }
}
